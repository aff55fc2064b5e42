import RigModel

extension ParameterNode {
    /// Equal content, ignoring where it was written (source locations differ between revisions).
    func hasSameContent(as other: ParameterNode) -> Bool {
        switch (self, other) {
        case (.literal(let a, _), .literal(let b, _)): return a == b
        case (.template(let a), .template(let b)): return a.source == b.source
        case (.list(let a, _), .list(let b, _)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.hasSameContent(as: $1) }
        case (.map(let a, _), .map(let b, _)):
            return a.count == b.count && a.allSatisfy { key, value in b[key].map(value.hasSameContent) ?? false }
        default: return false
        }
    }

    /// A compact one-line rendering: `make -j4`, `[a, b]`, `{port: 80}`.
    var displayText: String {
        switch self {
        case .literal(let value, _): return value.displayText
        case .template(let template): return template.source
        case .list(let items, _): return "[" + items.map(\.displayText).joined(separator: ", ") + "]"
        case .map(let entries, _): return "{" + entries.map { "\($0.key): \($0.value.displayText)" }.joined(separator: ", ") + "}"
        }
    }
}

extension Value {
    /// Like `text`, but shows null, lists and maps so they can be told apart.
    var displayText: String {
        switch self {
        case .null: return "null"
        case .string(let s): return s
        case .list(let items): return "[" + items.map(\.displayText).joined(separator: ", ") + "]"
        case .map(let entries): return "{" + entries.map { "\($0.key): \($0.value.displayText)" }.joined(separator: ", ") + "}"
        default: return text
        }
    }
}
