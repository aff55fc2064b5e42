import Foundation
import OrderedCollections
import RigModel

/// The JSON messages between rig and an executable plugin (docs/plugins.md): one request on the
/// plugin's stdin, one reply on its stdout.
public enum PluginProtocol {
    /// The version rig speaks; a reply with another `protocol` is refused.
    public static let version = 1
    /// An executable named `rig-step-TYPE` implements the step type `TYPE`.
    public static let executablePrefix = "rig-step-"

    public enum Mode: String, Sendable, CaseIterable {
        case describe, check, apply
    }

    /// What a plugin says about itself in answer to `describe`.
    public struct Description: Sendable, Hashable {
        public var summary: String
        public var schema: ParameterSchema
        /// The workflow secrets the plugin receives in `check` and `apply`; no others are sent.
        public var secrets: [String]
    }

    /// A reply to `check` or `apply`.
    public struct Reply: Sendable, Hashable {
        public enum Status: String, Sendable, CaseIterable { case ok, changed, failed }
        public var status: Status
        public var outputs: OrderedDictionary<String, String>
        public var message: String?
        /// Bash for rig to run on the target host through its transport.
        public var script: String?
        /// Run `script` under sudo as the host's become user.
        public var become: Bool
    }

    /// Everything a check or apply request carries.
    public struct TaskRequest: Sendable {
        public var mode: Mode
        public var invocation: StepInvocation
        public var secrets: OrderedDictionary<String, String>

        func json() -> [String: Any] {
            let host = invocation.host
            var hostJSON: [String: Any] = [
                "name": host.name, "address": host.address, "connection": host.connection.rawValue,
                "roles": host.roles, "labels": Dictionary(uniqueKeysWithValues: host.labels.map { ($0.key, $0.value) }),
                "vars": Self.json(.map(host.vars)),
            ]
            if let port = host.port { hostJSON["port"] = port }
            if let user = host.user { hostJSON["user"] = user }
            if let become = host.become { hostJSON["become"] = become.user }
            let context = invocation.workflowContext
            var upstream: [String: Any] = [:]
            for (step, values) in context.upstreamOutputs {
                upstream[step] = Dictionary(uniqueKeysWithValues: values.map { ($0.key, $0.value) })
            }
            return [
                "protocol": PluginProtocol.version,
                "mode": mode.rawValue,
                "step": ["id": invocation.step.id, "type": invocation.step.type],
                "parameters": Self.json(.map(invocation.parameters)),
                "host": hostJSON,
                "inputs": Self.json(.map(context.inputs)),
                "outputs": upstream,
                "secrets": Dictionary(uniqueKeysWithValues: secrets.map { ($0.key, $0.value) }),
                "workflow": ["name": context.workflowName],
            ]
        }

        static func json(_ value: Value) -> Any {
            switch value {
            case .null: return NSNull()
            case .bool(let b): return b
            case .int(let i): return i
            case .double(let d): return d
            case .string(let s): return s
            case .list(let items): return items.map(json)
            case .map(let entries): return Dictionary(uniqueKeysWithValues: entries.map { ($0.key, json($0.value)) })
            }
        }
    }

    static func encode(_ object: [String: Any]) -> [UInt8] {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Array(data) + [UInt8(ascii: "\n")]
    }

    // MARK: Reading replies

    /// The reply object, its protocol version checked. Errors are plain sentences; the caller adds the plugin path.
    static func object(from bytes: [UInt8]) throws(PluginError.Problem) -> [String: Any] {
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw .malformed("it wrote nothing on stdout (the reply must be one JSON object)") }
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else {
            throw .malformed("its stdout is not JSON: \(Self.excerpt(text)) (write logs to stderr; stdout holds only the reply)")
        }
        guard let object = parsed as? [String: Any] else { throw .malformed("the reply must be a JSON object, not \(Self.excerpt(text))") }
        guard let version = object["protocol"] else {
            throw .malformed("the reply has no \"protocol\" field (this rig speaks protocol \(version))")
        }
        guard let number = version as? Int, number == PluginProtocol.version else {
            throw .versionMismatch(String(describing: version))
        }
        return object
    }

    static func reply(from bytes: [UInt8]) throws(PluginError.Problem) -> Reply {
        let object = try object(from: bytes)
        guard let statusText = object["status"] as? String, let status = Reply.Status(rawValue: statusText) else {
            throw .malformed(
                "\"status\" must be one of \"ok\", \"changed\", \"failed\", not \(object["status"].map { "\($0)" } ?? "missing")")
        }
        var outputs: OrderedDictionary<String, String> = [:]
        if let raw = object["outputs"], !(raw is NSNull) {
            guard let map = raw as? [String: Any] else { throw .malformed("\"outputs\" must be an object of names to strings") }
            for key in map.keys.sorted() {
                switch map[key] {
                case let s as String: outputs[key] = s
                case let n as NSNumber: outputs[key] = n.stringValue
                default: throw .malformed("output \"\(key)\" must be a string")
                }
            }
        }
        let message = object["message"] as? String
        let script = object["script"] as? String
        if object["script"] != nil, !(object["script"] is NSNull), script == nil { throw .malformed("\"script\" must be a string of bash") }
        return Reply(status: status, outputs: outputs, message: message, script: script, become: object["become"] as? Bool ?? false)
    }

    static func description(from bytes: [UInt8], type: String) throws(PluginError.Problem) -> Description {
        let object = try object(from: bytes)
        if let status = object["status"] as? String, status == "failed" {
            throw .failedReply(object["message"] as? String ?? "describe failed")
        }
        let summary = object["summary"] as? String ?? "Executable plugin \(executablePrefix)\(type)"
        var schema = ParameterSchema([], allowsOtherKeys: true)
        if let raw = object["schema"], !(raw is NSNull) {
            guard let map = raw as? [String: Any] else { throw .malformed("\"schema\" must be an object with \"parameters\"") }
            schema = try Self.schema(map)
        }
        var secrets: [String] = []
        if let raw = object["secrets"], !(raw is NSNull) {
            guard let names = raw as? [String] else { throw .malformed("\"secrets\" must be a list of secret names") }
            secrets = names
        }
        return Description(summary: summary, schema: schema, secrets: secrets)
    }

    private static func schema(_ map: [String: Any]) throws(PluginError.Problem) -> ParameterSchema {
        var parameters: [ParameterSchema.Parameter] = []
        guard let list = (map["parameters"] ?? []) as? [[String: Any]] else {
            throw .malformed("\"schema.parameters\" must be a list of objects with \"name\" and \"type\"")
        }
        for entry in list {
            guard let name = entry["name"] as? String, !name.isEmpty else { throw .malformed("a schema parameter has no \"name\"") }
            let kind = try Self.kind(entry, parameter: name)
            var defaultValue = entry["default"] as? String
            if defaultValue == nil, let raw = entry["default"], !(raw is NSNull) {
                defaultValue = kind == .bool ? (raw as? Bool).map { $0 ? "true" : "false" } : (raw as? NSNumber)?.stringValue
            }
            parameters.append(
                .init(
                    name, kind, required: entry["required"] as? Bool ?? false, default: defaultValue,
                    description: entry["description"] as? String ?? "", secret: entry["secret"] as? Bool ?? false))
        }
        return ParameterSchema(parameters, allowsOtherKeys: map["allow_other_keys"] as? Bool ?? false)
    }

    /// Types are named as `rig steps` prints them: string, script, int, bool, duration, ip,
    /// cidr, port, path, any, list, map; `"enum": [...]` gives one of a fixed set.
    private static func kind(_ entry: [String: Any], parameter: String) throws(PluginError.Problem) -> ParameterSchema.Kind {
        if let values = entry["enum"] as? [String] { return .oneOf(values) }
        let name = entry["type"] as? String ?? "any"
        let kinds: [String: ParameterSchema.Kind] = [
            "string": .string, "script": .script, "int": .int, "bool": .bool, "duration": .duration, "ip": .ip,
            "cidr": .cidr, "port": .port, "path": .path, "any": .any, "list": .list(.any), "map": .map(.any),
        ]
        guard let kind = kinds[name] else {
            throw .malformed(
                "parameter \"\(parameter)\" has the unknown type \"\(name)\" (types: \(kinds.keys.sorted().joined(separator: ", ")))")
        }
        return kind
    }

    private static func excerpt(_ text: String) -> String {
        let line = text.split(separator: "\n").first.map(String.init) ?? text
        return "\"" + (line.count > 60 ? String(line.prefix(57)) + "..." : line) + "\""
    }
}
