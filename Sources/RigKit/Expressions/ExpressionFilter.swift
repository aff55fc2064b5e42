/// The filters an expression may apply with `value | name(arguments)`.
public enum ExpressionFilter: String, Sendable, CaseIterable {
    /// POSIX single-quoting, so the text reaches a command literally (`quote` is an alias).
    case shell
    case quote
    /// The argument when the value is null or empty.
    case `default`
    case json
    /// A list's elements joined by the argument (default ",").
    case join
    case lower
    case upper

    /// The number of arguments the filter accepts.
    var arity: ClosedRange<Int> {
        switch self {
        case .default: return 1...1
        case .join: return 0...1
        case .shell, .quote, .json, .lower, .upper: return 0...0
        }
    }

    var usage: String {
        switch self {
        case .default: return "value | default(\"fallback\")"
        case .join: return "list | join(\",\")"
        default: return "value | \(rawValue)"
        }
    }

    var arityText: String {
        switch arity.upperBound {
        case 0: return "no arguments"
        case 1 where arity.lowerBound == 0: return "at most one argument"
        default: return "exactly one argument"
        }
    }
}
