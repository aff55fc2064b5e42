import RigModel

/// One token of an expression; `offset` counts Unicode scalars from the start of the template.
struct ExpressionToken: Sendable {
    enum Kind: Sendable, Equatable {
        /// Letters, digits, `_` and `-`: names, path segments, numbers, `true`, `false`, `null`.
        case word(String)
        case string(String)
        case dot, leftBracket, rightBracket, leftParen, rightParen, comma
        case pipe, or, and, equal, notEqual, not
        case end
    }

    var kind: Kind
    var offset: Int

    var display: String {
        switch kind {
        case .word(let w): return "'\(w)'"
        case .string(let s): return "string \"\(s)\""
        case .dot: return "'.'"
        case .leftBracket: return "'['"
        case .rightBracket: return "']'"
        case .leftParen: return "'('"
        case .rightParen: return "')'"
        case .comma: return "','"
        case .pipe: return "'|'"
        case .or: return "'||'"
        case .and: return "'&&'"
        case .equal: return "'=='"
        case .notEqual: return "'!='"
        case .not: return "'!'"
        case .end: return "the end of the expression"
        }
    }
}

/// Splits the inside of `${{ ... }}` into tokens.
struct ExpressionLexer {
    private let scalars: [Unicode.Scalar]
    private let range: Range<Int>
    private let locate: (Int) -> SourceLocation?

    /// `range` is the expression's part of `scalars` (the whole template).
    init(_ scalars: [Unicode.Scalar], range: Range<Int>, locate: @escaping (Int) -> SourceLocation?) {
        self.scalars = scalars
        self.range = range
        self.locate = locate
    }

    static func isWordScalar(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F, 0x2D: return true
        default: return false
        }
    }

    func tokens() throws(TemplateSyntaxError) -> [ExpressionToken] {
        var result: [ExpressionToken] = []
        var i = range.lowerBound
        func next(_ offset: Int) -> Unicode.Scalar? { offset < range.upperBound ? scalars[offset] : nil }
        while i < range.upperBound {
            let c = scalars[i]
            let start = i
            switch c {
            case " ", "\t", "\n", "\r":
                i += 1
                continue
            case ".":
                result.append(.init(kind: .dot, offset: start))
                i += 1
            case "[":
                result.append(.init(kind: .leftBracket, offset: start))
                i += 1
            case "]":
                result.append(.init(kind: .rightBracket, offset: start))
                i += 1
            case "(":
                result.append(.init(kind: .leftParen, offset: start))
                i += 1
            case ")":
                result.append(.init(kind: .rightParen, offset: start))
                i += 1
            case ",":
                result.append(.init(kind: .comma, offset: start))
                i += 1
            case "|":
                if next(i + 1) == "|" {
                    result.append(.init(kind: .or, offset: start))
                    i += 2
                } else {
                    result.append(.init(kind: .pipe, offset: start))
                    i += 1
                }
            case "&":
                guard next(i + 1) == "&" else {
                    throw .unexpected(found: "'&'", expected: "'&&'", at: locate(start))
                }
                result.append(.init(kind: .and, offset: start))
                i += 2
            case "=":
                guard next(i + 1) == "=" else {
                    throw .unexpected(found: "'='", expected: "'==' to compare", at: locate(start))
                }
                result.append(.init(kind: .equal, offset: start))
                i += 2
            case "!":
                if next(i + 1) == "=" {
                    result.append(.init(kind: .notEqual, offset: start))
                    i += 2
                } else {
                    result.append(.init(kind: .not, offset: start))
                    i += 1
                }
            case "\"", "'":
                let (text, end) = try readString(from: i)
                result.append(.init(kind: .string(text), offset: start))
                i = end
            default:
                guard Self.isWordScalar(c) else {
                    throw .unexpected(found: "'\(c)'", expected: "a reference, a literal, an operator or a filter", at: locate(start))
                }
                var word = String.UnicodeScalarView()
                while let w = next(i), Self.isWordScalar(w) {
                    word.append(w)
                    i += 1
                }
                result.append(.init(kind: .word(String(word)), offset: start))
            }
        }
        result.append(.init(kind: .end, offset: range.upperBound))
        return result
    }

    /// Reads a quoted literal starting at its opening quote; returns its text and the offset after it.
    private func readString(from start: Int) throws(TemplateSyntaxError) -> (String, Int) {
        let quote = scalars[start]
        var text = String.UnicodeScalarView()
        var i = start + 1
        while i < range.upperBound {
            let c = scalars[i]
            if c == quote { return (String(text), i + 1) }
            if c == "\\", i + 1 < range.upperBound {
                let escaped = scalars[i + 1]
                switch escaped {
                case "n": text.append("\n")
                case "t": text.append("\t")
                case "r": text.append("\r")
                default: text.append(escaped)
                }
                i += 2
                continue
            }
            text.append(c)
            i += 1
        }
        throw .unterminatedString(at: locate(start))
    }
}
