import Foundation

/// The value part of a `key: value` line, split into what stays (spacing, an anchor or tag,
/// a trailing comment) and the scalar itself with its quoting style.
struct ScalarSlot: Hashable {
    enum Style: Hashable {
        case plain
        case singleQuoted
        case doubleQuoted
    }

    /// Everything up to and including `key:`.
    var head: String
    /// Spaces, anchor (`&domain `) and tag before the scalar.
    var properties: String
    /// The scalar as written, quotes included.
    var scalar: String
    var style: Style
    /// Spaces and comment after the scalar.
    var tail: String

    init?(_ line: String, valueStart: Int) {
        let chars = Array(line)
        guard valueStart <= chars.count else { return nil }
        head = String(chars[..<valueStart])
        var i = valueStart
        var properties = ""
        // Leading spaces, then any number of `&anchor` / `!tag` properties each followed by spaces.
        while i < chars.count {
            if chars[i] == " " {
                properties.append(chars[i])
                i += 1
            } else if chars[i] == "&" || chars[i] == "!" {
                while i < chars.count, chars[i] != " " {
                    properties.append(chars[i])
                    i += 1
                }
                if i == chars.count { break }
            } else {
                break
            }
        }
        if i < chars.count, chars[i] == "#" {
            // Only a comment: the value is empty.
            self.properties = properties
            scalar = ""
            style = .plain
            tail = String(chars[i...])
            return
        }
        self.properties = properties
        let start = i
        if i < chars.count, chars[i] == "\"" || chars[i] == "'" {
            let quote = chars[i]
            i += 1
            var closed = false
            while i < chars.count {
                if quote == "\"", chars[i] == "\\" {
                    i += 2
                    continue
                }
                if chars[i] == quote {
                    if quote == "'", i + 1 < chars.count, chars[i + 1] == "'" {
                        i += 2
                        continue
                    }
                    closed = true
                    i += 1
                    break
                }
                i += 1
            }
            guard closed else { return nil }  // a quoted scalar spanning lines: not handled
            scalar = String(chars[start..<i])
            style = quote == "\"" ? .doubleQuoted : .singleQuoted
            tail = String(chars[i...])
        } else {
            var end = i
            while end < chars.count, !(chars[end] == "#" && end > start && chars[end - 1] == " ") { end += 1 }
            var scalarEnd = end
            while scalarEnd > start, chars[scalarEnd - 1] == " " { scalarEnd -= 1 }
            scalar = String(chars[start..<scalarEnd])
            style = .plain
            tail = String(chars[scalarEnd...])
        }
    }

    var isEmpty: Bool { scalar.isEmpty }
    var isNullLike: Bool { style == .plain && ["~", "null", "Null", "NULL"].contains(scalar) }
    var isAlias: Bool { style == .plain && scalar.hasPrefix("*") }
    var isBlockScalarHeader: Bool { style == .plain && (scalar.hasPrefix("|") || scalar.hasPrefix(">")) }
    var isFlowCollection: Bool { style == .plain && (scalar.hasPrefix("[") || scalar.hasPrefix("{")) }

    /// The scalar without its quotes (escapes left as written).
    var unquotedText: String {
        switch style {
        case .plain: return scalar
        case .singleQuoted: return String(scalar.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'")
        case .doubleQuoted: return String(scalar.dropFirst().dropLast())
        }
    }

    /// The line with a new value in the same style where the value allows it.
    func replacing(with value: String) -> String {
        var props = properties
        if props.isEmpty { props = " " }
        if !props.hasSuffix(" ") { props += " " }
        var tail = self.tail
        if tail.hasPrefix("#") { tail = " " + tail }
        return head + props + ScalarSlot.render(value, style: style) + tail
    }

    /// The line with its value removed (for a `key: ~` that gains children).
    func clearingValue() -> String {
        var props = properties
        while props.hasSuffix(" ") { props.removeLast() }
        return head + props + (tail.isEmpty ? "" : " " + tail.drop { $0 == " " })
    }

    static func render(_ value: String, style: Style) -> String {
        switch style {
        case .doubleQuoted:
            return doubleQuoted(value)
        case .singleQuoted:
            if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) { return doubleQuoted(value) }
            // By scalar: an apostrophe with a combining mark after it still ends a YAML quote.
            var quoted = String.UnicodeScalarView(["'"])
            for scalar in value.unicodeScalars {
                quoted.append(contentsOf: scalar == "'" ? ["'", "'"] : [scalar])
            }
            quoted.append("'")
            return String(quoted)
        case .plain:
            return isPlainSafe(value) ? value : doubleQuoted(value)
        }
    }

    static func doubleQuoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Whether `value` can be written unquoted and still read back as the same string
    /// (not a bool, null or number under YAML 1.1 or 1.2, no indicator characters).
    static func isPlainSafe(_ value: String) -> Bool {
        guard let first = value.first, let last = value.last, first != " ", last != " " else { return false }
        if "-?:,[]{}#&*!|>'\"%@`".contains(first) { return false }
        if value.contains(": ") || value.contains(" #") || value.hasSuffix(":") { return false }
        if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) { return false }
        let reserved: Set<String> = [
            "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
            "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~", ".inf", ".Inf", ".INF", "-.inf", ".nan", ".NaN", ".NAN",
        ]
        if reserved.contains(value) { return false }
        return !looksNumeric(value)
    }

    private static func looksNumeric(_ value: String) -> Bool {
        var s = Substring(value)
        if s.first == "+" || s.first == "-" { s = s.dropFirst() }
        if s.hasPrefix("0x") || s.hasPrefix("0o") || s.hasPrefix("0b") { return true }
        if s.contains(":"), s.allSatisfy({ $0.isNumber || $0 == ":" || $0 == "." || $0 == "_" }) { return true }
        var digits = 0
        var dots = 0
        var exponent = false
        var previous: Character = " "
        for c in s {
            if c.isASCII, c.isNumber {
                digits += 1
            } else if c == "_" {
            } else if c == "." {
                dots += 1
            } else if c == "e" || c == "E", !exponent, digits > 0 {
                exponent = true
            } else if c == "+" || c == "-", previous == "e" || previous == "E" {
            } else {
                return false
            }
            previous = c
        }
        return digits > 0 && dots <= 1
    }
}
