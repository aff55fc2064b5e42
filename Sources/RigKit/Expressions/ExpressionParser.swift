import RigModel

/// Recursive descent over the tokens of one expression. Precedence, loosest first:
/// `||`, `&&`, `==`/`!=`, `!`, filters (`|`), then references, literals and parentheses.
/// Nesting (parentheses, `!`, filter arguments) is limited to `maximumDepth`, and the tree's
/// height (each operator, `!` and filter adds a level, so a chain of `||` is as tall as it is
/// long) to `maximumHeight`: the parser, the evaluator and everything else that walks an
/// expression recurse at most that deep, whatever the input.
struct ExpressionParser {
    static let maximumDepth = 64
    static let maximumHeight = 256
    /// Characters in one expression (the inside of `${{ }}`, or a bare `when:`).
    static let maximumLength = 10_000

    private let tokens: [ExpressionToken]
    private var index = 0
    private var depth = 0
    private let locate: (Int) -> SourceLocation?
    /// The height of each finished subexpression, innermost last.
    private var heights: [Int] = []

    init(tokens: [ExpressionToken], locate: @escaping (Int) -> SourceLocation?) {
        self.tokens = tokens
        self.locate = locate
    }

    mutating func parse() throws(TemplateSyntaxError) -> Expression {
        if case .end = current.kind { throw .empty(at: locate(current.offset)) }
        let expression = try parseOr()
        guard case .end = current.kind else {
            throw .unexpected(
                found: current.display, expected: "an operator (==, !=, &&, ||), a filter ('|') or the end", at: locate(current.offset))
        }
        return expression
    }

    private var current: ExpressionToken { tokens[index] }

    private mutating func advance() -> ExpressionToken {
        defer { if index < tokens.count - 1 { index += 1 } }
        return tokens[index]
    }

    private mutating func expect(_ kind: ExpressionToken.Kind, _ what: String) throws(TemplateSyntaxError) {
        guard current.kind == kind else {
            throw .unexpected(found: current.display, expected: what, at: locate(current.offset))
        }
        _ = advance()
    }

    private mutating func parseOr() throws(TemplateSyntaxError) -> Expression {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else { throw .tooDeep(at: locate(current.offset)) }
        var left = try parseAnd()
        while current.kind == .or {
            let op = advance()
            left = try combine(.binary(.or, left, try parseAnd()), parts: 2, at: op)
        }
        return left
    }

    /// Records the height of a new node over its `parts` most recent subexpressions.
    private mutating func combine(_ expression: Expression, parts: Int, at token: ExpressionToken) throws(TemplateSyntaxError) -> Expression
    {
        let height = 1 + (heights.suffix(parts).max() ?? 0)
        heights.removeLast(min(parts, heights.count))
        guard height <= Self.maximumHeight else { throw .tooManyOperators(at: locate(token.offset)) }
        heights.append(height)
        return expression
    }

    private mutating func leaf(_ expression: Expression) -> Expression {
        heights.append(0)
        return expression
    }

    private mutating func parseAnd() throws(TemplateSyntaxError) -> Expression {
        var left = try parseEquality()
        while current.kind == .and {
            let op = advance()
            left = try combine(.binary(.and, left, try parseEquality()), parts: 2, at: op)
        }
        return left
    }

    private mutating func parseEquality() throws(TemplateSyntaxError) -> Expression {
        var left = try parseUnary()
        while current.kind == .equal || current.kind == .notEqual {
            let token = advance()
            let op: Expression.BinaryOperator = token.kind == .equal ? .equal : .notEqual
            left = try combine(.binary(op, left, try parseUnary()), parts: 2, at: token)
        }
        return left
    }

    private mutating func parseUnary() throws(TemplateSyntaxError) -> Expression {
        if current.kind == .not {
            let token = advance()
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maximumDepth else { throw .tooDeep(at: locate(current.offset)) }
            return try combine(.not(try parseUnary()), parts: 1, at: token)
        }
        return try parseFiltered()
    }

    private mutating func parseFiltered() throws(TemplateSyntaxError) -> Expression {
        var value = try parsePrimary()
        while current.kind == .pipe {
            _ = advance()
            let nameToken = advance()
            guard case .word(let name) = nameToken.kind else {
                throw .unexpected(found: nameToken.display, expected: "a filter name after '|'", at: locate(nameToken.offset))
            }
            let location = locate(nameToken.offset)
            guard let filter = ExpressionFilter(rawValue: name) else {
                let suggestion = Suggestion.closest(to: name, in: ExpressionFilter.allCases.map(\.rawValue))
                throw .unknownFilter(name, suggestion: suggestion, at: location)
            }
            var arguments: [Expression] = []
            if current.kind == .leftParen {
                _ = advance()
                if current.kind != .rightParen {
                    arguments.append(try parseOr())
                    while current.kind == .comma {
                        _ = advance()
                        arguments.append(try parseOr())
                    }
                }
                try expect(.rightParen, "')' or ',' in the filter's arguments")
            }
            guard filter.arity.contains(arguments.count) else {
                throw .wrongArgumentCount(filter: name, expected: filter.arityText, found: arguments.count, at: location)
            }
            value = try combine(
                .filter(value, name: filter.rawValue, arguments: arguments, location), parts: 1 + arguments.count, at: nameToken)
        }
        return value
    }

    private mutating func parsePrimary() throws(TemplateSyntaxError) -> Expression {
        let token = advance()
        switch token.kind {
        case .leftParen:
            let inner = try parseOr()
            try expect(.rightParen, "')'")
            return inner
        case .string(let s):
            return leaf(.literal(.string(s)))
        case .word(let word):
            switch word {
            case "true": return leaf(.literal(.bool(true)))
            case "false": return leaf(.literal(.bool(false)))
            case "null": return leaf(.literal(.null))
            default: break
            }
            if let number = Int(word) { return leaf(.literal(.int(number))) }
            guard let first = word.unicodeScalars.first, first != "-", !("0"..."9").contains(first) else {
                throw .unexpected(
                    found: token.display, expected: "a number, a string, true, false, null or a reference", at: locate(token.offset))
            }
            return leaf(.reference(try parsePath(first: word), locate(token.offset)))
        default:
            throw .unexpected(found: token.display, expected: "a reference, a literal, '!' or '('", at: locate(token.offset))
        }
    }

    /// `a.b.c`, `a["b.c"]`, `a.list[0]`.
    private mutating func parsePath(first: String) throws(TemplateSyntaxError) -> [String] {
        var path = [first]
        while true {
            switch current.kind {
            case .dot:
                _ = advance()
                let segment = advance()
                guard case .word(let name) = segment.kind else {
                    throw .unexpected(found: segment.display, expected: "a name after '.'", at: locate(segment.offset))
                }
                path.append(name)
            case .leftBracket:
                _ = advance()
                let key = advance()
                switch key.kind {
                case .string(let s): path.append(s)
                case .word(let w) where Int(w) != nil: path.append(w)
                default:
                    throw .unexpected(found: key.display, expected: "a quoted key or an index inside '[ ]'", at: locate(key.offset))
                }
                try expect(.rightBracket, "']'")
            default:
                return path
            }
        }
    }
}
