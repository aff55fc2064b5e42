import RigModel

/// Durations as written in parameters: `500ms`, `2s`, `5m`, `1h30m`, `1.5s`, or a number of seconds.
enum DurationText {
    static func parse(_ text: String) -> Duration? {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        if let plain = Double(rest), plain >= 0 { return .nanoseconds(Int64(plain * 1e9)) }
        guard !rest.isEmpty else { return nil }
        var seconds = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let factor: Double
            if rest.hasPrefix("ms") {
                factor = 0.001
                rest = rest.dropFirst(2)
            } else if let unit = rest.first, let f = ["s": 1.0, "m": 60, "h": 3600, "d": 86400][unit] {
                factor = f
                rest = rest.dropFirst()
            } else {
                return nil
            }
            seconds += value * factor
        }
        return .nanoseconds(Int64(seconds * 1e9))
    }

    static func parameter(_ value: Value?, name: String, step: String) throws(StepFailure) -> Duration? {
        switch value {
        case nil, .null?: return nil
        case .int(let n)?: return .seconds(n)
        case .double(let d)?: return .nanoseconds(Int64(d * 1e9))
        case let other?:
            guard let duration = parse(other.text) else {
                throw .failed("step '\(step)': `\(name)` is '\(other.text)', not a duration; write e.g. 500ms, 2s, 5m or 1h30m")
            }
            return duration
        }
    }
}
