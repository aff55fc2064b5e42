import RigModel

/// A `${{ ... }}` expression that does not parse, located at the offending character.
public enum TemplateSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `${{` without its closing `}}`.
    case unterminated(at: SourceLocation?)
    case empty(at: SourceLocation?)
    /// Something other than what the grammar allows here.
    case unexpected(found: String, expected: String, at: SourceLocation?)
    case unterminatedString(at: SourceLocation?)
    case unknownFilter(String, suggestion: String?, at: SourceLocation?)
    case wrongArgumentCount(filter: String, expected: String, found: Int, at: SourceLocation?)
    /// More nested parentheses or `!` than any real condition needs.
    case tooDeep(at: SourceLocation?)
    /// More operators and filters in one chain than `ExpressionParser.maximumHeight`.
    case tooManyOperators(at: SourceLocation?)
    /// An expression longer than `ExpressionParser.maximumLength` characters.
    case tooLong(length: Int, at: SourceLocation?)

    public var location: SourceLocation? {
        switch self {
        case .unterminated(let l), .empty(let l), .unexpected(_, _, let l), .unterminatedString(let l),
            .unknownFilter(_, _, let l), .wrongArgumentCount(_, _, _, let l), .tooDeep(let l),
            .tooManyOperators(let l), .tooLong(_, let l):
            return l
        }
    }

    public var message: String {
        switch self {
        case .unterminated: return "'${{' is not closed by '}}'"
        case .empty: return "empty expression '${{ }}'"
        case .unexpected(let found, let expected, _): return "expected \(expected) but found \(found)"
        case .unterminatedString: return "string literal is not closed"
        case .unknownFilter(let name, _, _): return "unknown filter '\(name)'"
        case .wrongArgumentCount(let filter, let expected, let found, _):
            return "filter '\(filter)' takes \(expected), but \(found) \(found == 1 ? "was" : "were") given"
        case .tooDeep: return "the expression nests more than \(ExpressionParser.maximumDepth) levels deep"
        case .tooManyOperators:
            return "the expression chains more than \(ExpressionParser.maximumHeight) operators and filters"
        case .tooLong(let length, _):
            return "the expression is \(length) characters long, more than the limit of \(ExpressionParser.maximumLength)"
        }
    }

    public var hint: String? {
        switch self {
        case .unterminated: return "close the expression with '}}'; to write a literal '${{', use ${{ \"${{\" }}"
        case .empty: return "write a reference such as ${{ inputs.name }} or remove the braces"
        case .unexpected:
            return "expressions are references (inputs.x, hosts.h.address, steps.id.outputs.x), literals, "
                + "==, !=, &&, ||, !, parentheses and filters (| shell, | default(x), | json, | join(\",\"), | lower, | upper)"
        case .unterminatedString: return "close the string with the quote it starts with"
        case .unknownFilter(_, let suggestion, _):
            let known = "filters are: " + ExpressionFilter.allCases.map(\.rawValue).joined(separator: ", ")
            return suggestion.map { "did you mean '\($0)'? \(known)" } ?? known
        case .wrongArgumentCount(let filter, _, _, _):
            return ExpressionFilter(rawValue: filter).map { "write it as \($0.usage)" }
        case .tooDeep: return "split the condition or remove redundant parentheses"
        case .tooManyOperators, .tooLong:
            return
                "split it across steps, or compute the value in a step (write NAME=VALUE to $RIG_OUTPUT) and refer to it as steps.ID.outputs.NAME"
        }
    }

    public var diagnostic: Diagnostic { .error(message, at: location, hint: hint) }

    public var description: String { diagnostic.description }
}
