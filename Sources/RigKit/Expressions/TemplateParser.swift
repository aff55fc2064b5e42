import RigModel

/// Turns strings that may embed `${{ ... }}` into `Template`s.
public enum TemplateParser {
    /// Maps an offset (in Unicode scalars) within the parsed text to where it was written.
    public typealias Locator = @Sendable (Int) -> SourceLocation?

    /// Parses `text`, written at `location`. Without a `locator`, offsets are placed by counting
    /// lines and columns of `text` from `location` (right for plain one-line YAML scalars).
    public static func parse(_ text: String, location: SourceLocation?, locator: Locator? = nil) throws(TemplateSyntaxError) -> Template {
        guard text.contains("${{") else { return Template(literal: text, location: location) }
        let scalars = Array(text.unicodeScalars)
        let locate = locator ?? defaultLocator(text: scalars, at: location)
        var parts: [Template.Part] = []
        var literal = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            guard isOpening(scalars, at: i) else {
                literal.append(scalars[i])
                i += 1
                continue
            }
            // An unclosed quote inside would hide the `}}`: then take the first `}}` so the lexer reports the quote.
            guard let close = closingOffset(scalars, from: i + 3) ?? firstClosing(scalars, from: i + 3) else {
                throw .unterminated(at: locate(i))
            }
            if !literal.isEmpty {
                parts.append(.text(String(literal)))
                literal = String.UnicodeScalarView()
            }
            try checkLength(close - (i + 3), at: locate(i))
            let tokens = try ExpressionLexer(scalars, range: (i + 3)..<close, locate: locate).tokens()
            var parser = ExpressionParser(tokens: tokens, locate: locate)
            let expression = try parser.parse()
            var source = String.UnicodeScalarView()
            source.append(contentsOf: scalars[i..<(close + 2)])
            parts.append(.expression(expression, source: String(source)))
            i = close + 2
        }
        if !literal.isEmpty { parts.append(.text(String(literal))) }
        return Template(parts: parts, source: text, location: location)
    }

    /// Parses a bare expression (no `${{ }}`), as `when:` allows: `inputs.gpu && inputs.mode == "full"`.
    public static func parseExpression(_ text: String, location: SourceLocation?, locator: Locator? = nil) throws(TemplateSyntaxError)
        -> Expression
    {
        let scalars = Array(text.unicodeScalars)
        let locate = locator ?? defaultLocator(text: scalars, at: location)
        try checkLength(scalars.count, at: locate(0))
        let tokens = try ExpressionLexer(scalars, range: 0..<scalars.count, locate: locate).tokens()
        var parser = ExpressionParser(tokens: tokens, locate: locate)
        return try parser.parse()
    }

    private static func checkLength(_ length: Int, at location: SourceLocation?) throws(TemplateSyntaxError) {
        guard length <= ExpressionParser.maximumLength else { throw .tooLong(length: length, at: location) }
    }

    private static func isOpening(_ s: [Unicode.Scalar], at i: Int) -> Bool {
        i + 2 < s.count && s[i] == "$" && s[i + 1] == "{" && s[i + 2] == "{"
    }

    /// The offset of the `}}` closing an expression whose body starts at `start`, skipping string literals.
    private static func closingOffset(_ s: [Unicode.Scalar], from start: Int) -> Int? {
        var quote: Unicode.Scalar?
        var i = start
        while i < s.count {
            let c = s[i]
            if let q = quote {
                if c == "\\" {
                    i += 2
                    continue
                }
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "}", i + 1 < s.count, s[i + 1] == "}" {
                return i
            }
            i += 1
        }
        return nil
    }

    private static func firstClosing(_ s: [Unicode.Scalar], from start: Int) -> Int? {
        var i = start
        while i + 1 < s.count {
            if s[i] == "}", s[i + 1] == "}" { return i }
            i += 1
        }
        return nil
    }

    static func defaultLocator(text: [Unicode.Scalar], at location: SourceLocation?) -> Locator {
        guard let location else { return { _ in nil } }
        // Line starts, so each lookup is a binary search rather than a scan.
        var lineStarts = [0]
        for (i, c) in text.enumerated() where c == "\n" { lineStarts.append(i + 1) }
        let starts = lineStarts
        return { offset in
            var low = 0
            var high = starts.count - 1
            while low < high {
                let mid = (low + high + 1) / 2
                if starts[mid] <= offset { low = mid } else { high = mid - 1 }
            }
            let column = offset - starts[low]
            return SourceLocation(
                file: location.file, line: location.line + low,
                column: low == 0 ? location.column + column : column + 1)
        }
    }
}
