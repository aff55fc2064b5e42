/// Durations as workflows write them: `30s`, `5m`, `1h30m`, `500ms`, `2d`; a bare number means seconds.
public enum DurationSyntax {
    public static func parse(_ text: String) -> Duration? {
        let s = text.trimmingSpaces
        guard !s.isEmpty else { return nil }
        if let seconds = Int(s), seconds >= 0 { return .seconds(seconds) }
        var total = Duration.zero
        var digits = ""
        var unit = ""
        var sawComponent = false
        func flush() -> Bool {
            guard let n = Int(digits) else { return false }
            let component: Duration
            switch unit {
            case "ms": component = .milliseconds(n)
            case "s": component = .seconds(n)
            case "m": component = .seconds(n * 60)
            case "h": component = .seconds(n * 3600)
            case "d": component = .seconds(n * 86400)
            default: return false
            }
            total += component
            digits = ""
            unit = ""
            sawComponent = true
            return true
        }
        for c in s {
            if c.isASCIIDigit {
                if !unit.isEmpty { guard flush() else { return nil } }
                digits.append(c)
            } else if c.isASCII, c.isLetter {
                guard !digits.isEmpty else { return nil }
                unit.append(c)
            } else {
                return nil
            }
        }
        guard !digits.isEmpty, !unit.isEmpty, flush() else { return nil }
        return sawComponent ? total : nil
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
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
