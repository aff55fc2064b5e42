import OrderedCollections
import RigModel

/// Checks a rendered parameter value against its schema kind and converts it to the form step
/// types read (`"8080"` for a port becomes `8080`).
enum ParameterCoercion {
    struct Failure: Error {
        /// Below the parameter: map keys and list indices.
        var path: [String]
        var problem: String
        var hint: String?
    }

    /// `showValues` false keeps values (which may hold secrets) out of the messages.
    static func coerce(_ value: Value, to kind: ParameterSchema.Kind, path: [String] = [], showValues: Bool) throws(Failure) -> Value {
        func fail(_ expected: String, hint: String? = nil) -> Failure {
            let shown = showValues && value.isScalar ? " \(value.quotedForMessage)" : ""
            return Failure(path: path, problem: "must be \(expected), got \(value.kindName)\(shown)", hint: hint)
        }
        switch kind {
        case .any:
            return value
        case .string, .script, .path:
            guard value.isScalar, value != .null else { throw fail("a string") }
            return .string(value.text)
        case .int:
            if case .int = value { return value }
            if case .string(let s) = value, let n = Int(s.trimmingSpaces) { return .int(n) }
            throw fail("an integer")
        case .bool:
            if case .bool = value { return value }
            if case .string(let s) = value, let b = ["true": true, "false": false][s.lowercased()] { return .bool(b) }
            throw fail("true or false")
        case .duration:
            if case .int(let n) = value, n >= 0 { return .string("\(n)s") }
            if case .string(let s) = value, DurationSyntax.parse(s) != nil { return value }
            throw fail("a duration", hint: "write durations like 30s, 5m, 1h30m or 500ms")
        case .ip:
            if case .string(let s) = value, NetworkSyntax.isIP(s) { return value }
            throw fail("an IPv4 or IPv6 address")
        case .cidr:
            if case .string(let s) = value, NetworkSyntax.isCIDR(s) { return value }
            throw fail("an address with a prefix length", hint: "for example 192.168.1.0/24")
        case .port:
            let number: Int? =
                switch value {
                case .int(let n): n
                case .string(let s): Int(s.trimmingSpaces)
                default: nil
                }
            if let number, NetworkSyntax.isPort(number) { return .int(number) }
            throw fail("a port number (1-65535)")
        case .oneOf(let choices):
            if value.isScalar, choices.contains(value.text) { return .string(value.text) }
            throw fail("one of " + choices.joined(separator: ", "), hint: Suggestion.didYouMean(value.text, in: choices))
        case .list(let element):
            guard case .list(let items) = value else { throw fail("a list") }
            var result: [Value] = []
            for (i, item) in items.enumerated() {
                result.append(try coerce(item, to: element, path: path + [String(i)], showValues: showValues))
            }
            return .list(result)
        case .map(let element):
            guard case .map(let entries) = value else { throw fail("a map") }
            var result = OrderedDictionary<String, Value>()
            for (key, item) in entries {
                result[key] = try coerce(item, to: element, path: path + [key], showValues: showValues)
            }
            return .map(result)
        case .object(let schema):
            guard case .map(let entries) = value else { throw fail("a map") }
            return try bindObject(entries, schema: schema, path: path, showValues: showValues)
        }
    }

    /// Checks keys against an object schema, coerces each value and fills in defaults.
    static func bindObject(_ entries: OrderedDictionary<String, Value>, schema: ParameterSchema, path: [String], showValues: Bool)
        throws(Failure) -> Value
    {
        var result = OrderedDictionary<String, Value>()
        for parameter in schema.parameters {
            if let given = entries[parameter.name] {
                result[parameter.name] = try coerce(given, to: parameter.kind, path: path + [parameter.name], showValues: showValues)
            } else if let value = try defaultValue(of: parameter, path: path) {
                result[parameter.name] = value
            } else if parameter.required {
                throw Failure(path: path, problem: "needs the key '\(parameter.name)'", hint: parameter.description)
            }
        }
        for (key, value) in entries where schema.parameter(key) == nil {
            guard schema.allowsOtherKeys else {
                throw Failure(
                    path: path + [key], problem: "is not a known key",
                    hint: unknownKeyHint(key, schema: schema))
            }
            result[key] = value
        }
        return .map(result)
    }

    /// A schema default (written as text) converted to the parameter's kind.
    static func defaultValue(of parameter: ParameterSchema.Parameter, path: [String]) throws(Failure) -> Value? {
        guard let text = parameter.defaultValue else { return nil }
        let value: Value
        switch parameter.kind {
        case .list:
            let trimmed = text.trimmingSpaces
            value = .list(
                trimmed.isEmpty || trimmed == "[]" ? [] : trimmed.split(separator: ",").map { .string(String($0).trimmingSpaces) })
        case .map, .object:
            value = .map([:])
        default:
            value = .string(text)
        }
        return try coerce(value, to: parameter.kind, path: path + [parameter.name], showValues: true)
    }

    static func unknownKeyHint(_ key: String, schema: ParameterSchema) -> String {
        let names = schema.parameters.map(\.name)
        let known = names.isEmpty ? "this step type takes no parameters" : "known parameters: " + names.joined(separator: ", ")
        return Suggestion.didYouMean(key, in: names).map { "\($0) \(known)" } ?? known
    }
}

extension Value {
    var isScalar: Bool {
        switch self {
        case .list, .map: return false
        default: return true
        }
    }

    /// A short rendering for error messages.
    var quotedForMessage: String {
        guard case .string(let s) = self else { return text }
        let short = s.count > 60 ? String(s.prefix(57)) + "..." : s
        return "\"\(short)\""
    }
}
