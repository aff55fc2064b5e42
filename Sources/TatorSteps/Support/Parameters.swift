import RigKit
import RigModel

/// Reads a task's rendered parameters leniently (a bool may arrive as `true` or `"true"`),
/// falling back to the step type's schema defaults.
struct Parameters {
    let invocation: StepInvocation
    let schema: ParameterSchema

    init(_ invocation: StepInvocation, _ schema: ParameterSchema) {
        self.invocation = invocation
        self.schema = schema
    }

    private func value(_ name: String) -> Value? {
        if let v = invocation.parameters[name], v != .null { return v }
        return schema.parameter(name)?.defaultValue.map(Value.string)
    }

    func string(_ name: String) -> String {
        guard let v = value(name) else { return "" }
        return v.text
    }

    /// The value or a clear failure naming the parameter.
    func required(_ name: String) throws -> String {
        let s = string(name)
        guard !s.isEmpty else {
            throw StepFailure.failed("step '\(invocation.step.id)': parameter '\(name)' is required (set it under `with:`)")
        }
        return s
    }

    func bool(_ name: String) -> Bool {
        switch value(name) {
        case .bool(let b): return b
        case .string(let s): return ["true", "yes", "on", "1"].contains(s.lowercased())
        case .int(let i): return i != 0
        default: return false
        }
    }

    func int(_ name: String) -> Int {
        switch value(name) {
        case .int(let i): return i
        case .string(let s): return Int(s) ?? 0
        case .double(let d): return Int(d)
        default: return 0
        }
    }

    func list(_ name: String) -> [String] {
        switch value(name) {
        case .list(let items): return items.map(\.text)
        case .string(let s): return s.split(separator: ",").map { String($0).trimmed }.filter { !$0.isEmpty }
        case .some(let v): return [v.text]
        case nil: return []
        }
    }

    /// Seconds, from `90`, `90s`, `20m`, `1h30m`.
    func seconds(_ name: String) -> Int {
        if case .int(let i) = value(name) { return i }
        return Parameters.parseSeconds(string(name)) ?? 0
    }

    /// `90`, `90s`, `20m`, `1h30m`, `2d`, `1.5s`, `500ms` (rounded up to whole seconds).
    static func parseSeconds(_ text: String) -> Int? {
        if let plain = Int(text) { return plain }
        var total = 0.0
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard let n = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isLetter }
            rest = rest.dropFirst(unit.count)
            switch unit {
            case "d": total += n * 86400
            case "h": total += n * 3600
            case "m": total += n * 60
            case "s": total += n
            case "ms": total += n / 1000
            default: return nil
            }
        }
        return Int(total.rounded(.up))
    }
}

extension String {
    var trimmed: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
