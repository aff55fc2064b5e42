import OrderedCollections

/// A step's `with:` parameters as loaded: a YAML tree whose strings may hold expressions.
public indirect enum ParameterNode: Sendable, Hashable {
    /// A non-string scalar (int, bool, number, null) as written.
    case literal(Value, SourceLocation?)
    /// A string, possibly with `${{ }}` expressions.
    case template(Template)
    case list([ParameterNode], SourceLocation?)
    case map(OrderedDictionary<String, ParameterNode>, SourceLocation?)

    public var location: SourceLocation? {
        switch self {
        case .literal(_, let l), .list(_, let l), .map(_, let l): return l
        case .template(let t): return t.location
        }
    }

    public static let emptyMap = ParameterNode.map([:], nil)

    public subscript(key: String) -> ParameterNode? {
        if case .map(let entries, _) = self { return entries[key] }
        return nil
    }

    public var expressions: [Expression] {
        switch self {
        case .literal: return []
        case .template(let t): return t.expressions
        case .list(let items, _): return items.flatMap(\.expressions)
        case .map(let entries, _): return entries.values.flatMap(\.expressions)
        }
    }
}
