import Foundation
import RigModel

/// Typing of input values: from `--input k=v` text, from YAML (`--inputs` files, defaults),
/// and the `enum:`/`pattern:` checks.
enum InputValues {
    /// What is wrong with a value, for the caller to place and phrase.
    struct Problem: Error {
        var message: String
        var hint: String?
    }

    static let typeNames = ["string", "int", "bool", "ip", "cidr", "hostname", "port", "duration", "list"]

    /// `string`, `int`, ..., `list` (of strings) or `list<ip>`.
    static func type(named name: String) -> InputType? {
        let trimmed = name.trimmingSpaces
        if trimmed.hasPrefix("list<"), trimmed.hasSuffix(">") {
            let inner = String(trimmed.dropFirst(5).dropLast())
            guard let element = type(named: inner), !element.isList else { return nil }
            return .list(of: element)
        }
        switch trimmed {
        case "string": return .string
        case "int": return .int
        case "bool": return .bool
        case "ip": return .ip
        case "cidr": return .cidr
        case "hostname": return .hostname
        case "port": return .port
        case "duration": return .duration
        case "list": return .list(of: .string)
        default: return nil
        }
    }

    /// A value written as text on the command line; lists are comma-separated.
    static func parse(_ text: String, as type: InputType) throws(Problem) -> Value {
        switch type {
        case .string:
            return .string(text)
        case .int:
            guard let n = Int(text.trimmingSpaces) else { throw Problem(message: "\"\(text)\" is not a whole number") }
            return .int(n)
        case .bool:
            switch text.trimmingSpaces.lowercased() {
            case "true", "yes", "on", "1": return .bool(true)
            case "false", "no", "off", "0": return .bool(false)
            default: throw Problem(message: "\"\(text)\" is not true or false")
            }
        case .ip:
            guard NetworkSyntax.isIP(text) else {
                throw Problem(
                    message: "\"\(text)\" is not an IP address",
                    hint: "write an IPv4 address such as 192.168.1.10 or an IPv6 address such as fd00::10")
            }
            return .string(text)
        case .cidr:
            guard NetworkSyntax.isCIDR(text) else {
                throw Problem(
                    message: "\"\(text)\" is not an address range", hint: "write an address and a prefix length, such as 10.244.0.0/16")
            }
            return .string(text)
        case .hostname:
            guard NetworkSyntax.isHostname(text) else {
                throw Problem(
                    message: "\"\(text)\" is not a valid host name",
                    hint: "host names are letters, digits and hyphens, in dot-separated parts of at most 63 characters")
            }
            return .string(text)
        case .port:
            guard let n = Int(text.trimmingSpaces), NetworkSyntax.isPort(n) else {
                throw Problem(message: "\"\(text)\" is not a port number", hint: "ports are 1 to 65535")
            }
            return .int(n)
        case .duration:
            guard DurationSyntax.parse(text) != nil else {
                throw Problem(message: "\"\(text)\" is not a duration", hint: "write durations like 30s, 5m, 1h30m or 500ms")
            }
            return .string(text.trimmingSpaces)
        case .list(let element):
            let trimmed = text.trimmingSpaces
            guard !trimmed.isEmpty else { return .list([]) }
            var items: [Value] = []
            for part in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
                items.append(try parse(String(part).trimmingSpaces, as: element))
            }
            return .list(items)
        }
    }

    /// A value from YAML: native types where they fit, text parsed as on the command line.
    static func convert(_ value: Value, as type: InputType) throws(Problem) -> Value {
        switch (value, type) {
        case (.null, _):
            throw Problem(message: "has no value")
        case (.string(let s), _):
            return try parse(s, as: type)
        case (.list(let items), .list(let element)):
            var converted: [Value] = []
            for item in items { converted.append(try convert(item, as: element)) }
            return .list(converted)
        case (.int, .int), (.bool, .bool):
            return value
        case (.int(let n), .port):
            guard NetworkSyntax.isPort(n) else { throw Problem(message: "\(n) is not a port number", hint: "ports are 1 to 65535") }
            return value
        case (.int(let n), .duration) where n >= 0:
            return .string("\(n)s")
        case (.int, .string), (.bool, .string), (.double, .string):
            return .string(value.text)
        case (let scalar, .list(let element)) where scalar.isScalar:
            return .list([try convert(scalar, as: element)])
        default:
            throw Problem(message: "\(value.kindName) \(value.isScalar ? value.quotedForMessage : "value") is not \(type.article) \(type)")
        }
    }

    /// `enum:` and `pattern:`; lists are checked element by element.
    static func check(_ value: Value, against declaration: InputDeclaration) throws(Problem) {
        if case .list(let items) = value, declaration.type.isList {
            for item in items { try check(item, against: declaration) }
            return
        }
        if let allowed = declaration.allowedValues, !allowed.contains(where: { $0 == value || $0.text == value.text }) {
            let choices = allowed.map(\.text)
            throw Problem(
                message: "\(value.quotedForMessage) is not one of the allowed values: \(choices.joined(separator: ", "))",
                hint: Suggestion.didYouMean(value.text, in: choices))
        }
        if let pattern = declaration.pattern, let regex = try? NSRegularExpression(pattern: "^(?:\(pattern))$") {
            let text = value.text
            if regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil {
                throw Problem(message: "\(value.quotedForMessage) does not match the pattern \(pattern)")
            }
        }
    }
}

extension InputType {
    var isList: Bool { if case .list = self { return true } else { return false } }

    var article: String {
        switch self {
        case .int, .ip: return "an"
        default: return "a"
        }
    }
}
