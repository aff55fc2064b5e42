import OrderedCollections

/// A typed value from YAML, an input, an output or an expression result.
public indirect enum Value: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([Value])
    case map(OrderedDictionary<String, Value>)

    /// The text a value becomes when spliced into a string.
    public var text: String {
        switch self {
        case .null: return ""
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .string(let s): return s
        case .list(let items): return items.map(\.text).joined(separator: " ")
        case .map(let entries): return entries.map { "\($0.key)=\($0.value.text)" }.joined(separator: " ")
        }
    }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var intValue: Int? { if case .int(let i) = self { return i } else { return nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var listValue: [Value]? { if case .list(let l) = self { return l } else { return nil } }
    public var mapValue: OrderedDictionary<String, Value>? { if case .map(let m) = self { return m } else { return nil } }

    /// A short name of the value's kind, for error messages.
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "number"
        case .string: return "string"
        case .list: return "list"
        case .map: return "map"
        }
    }

    /// Truthiness for `when:` conditions: false, null, 0, "" and empty collections are false.
    public var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .string(let s): return !s.isEmpty && s != "false"
        case .list(let l): return !l.isEmpty
        case .map(let m): return !m.isEmpty
        }
    }
}
