/// Durations as workflows write them: `30s`, `5m`, `1h30m`, `500ms`, `1.5s`, `2d`; a bare number means seconds.
public enum DurationSyntax {
    private static let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]

    public static func parse(_ text: String) -> Duration? {
        var rest = Substring(text.trimmingSpaces)
        guard !rest.isEmpty else { return nil }
        if let seconds = number(rest) { return seconds < 1e9 ? .nanoseconds(Int64(seconds * 1e9)) : nil }
        var seconds = 0.0
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCIIDigit || $0 == "." }
            guard let value = number(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let unitText = rest.prefix { $0.isASCII && $0.isLetter }
            guard let factor = units.first(where: { $0.0 == unitText })?.1 else { return nil }
            rest = rest.dropFirst(unitText.count)
            seconds += value * factor
        }
        guard seconds < 1e9 else { return nil }
        return .nanoseconds(Int64(seconds * 1e9))
    }

    /// The shortest text `parse` reads back as `duration` (`1h30m`, `500ms`).
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = attoseconds / 1_000_000_000_000_000
        if seconds == 0 { return "\(milliseconds)ms" }
        var text = ""
        var rest = seconds
        for (unit, size) in [("d", Int64(86400)), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        if milliseconds > 0 { text += "\(milliseconds)ms" }
        return text
    }

    /// Digits with at most one decimal point, not negative.
    private static func number(_ text: Substring) -> Double? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCIIDigit || $0 == "." }), text.filter({ $0 == "." }).count <= 1,
            text != "."
        else { return nil }
        return Double(text)
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
