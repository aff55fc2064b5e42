import Foundation
import RigModel
import Yams

/// `inputs:`, `secrets:` and `pools:`.
extension NodeReader {
    static let inputKeys = ["type", "default", "required", "enum", "pattern", "description"]
    static let secretKeys = ["description", "optional"]

    func inputs(_ node: Node) -> [InputDeclaration] {
        guard let entries = mapping(node, "'inputs'", hint: "write inputs as a map: `domain: {type: hostname, required: true}`") else {
            return []
        }
        return entries.compactMap(input)
    }

    private func input(_ entry: MappingEntry) -> InputDeclaration? {
        checkName(entry.key, at: entry.keyNode, what: "input", pattern: #"^[A-Za-z_][A-Za-z0-9_-]*$"#)
        var declaration = InputDeclaration(name: entry.key, type: .string, location: location(entry.keyNode))
        // `domain: hostname` is short for `domain: {type: hostname}`.
        if case .scalar(let s) = entry.value {
            if Self.value(of: s) != .null { declaration.type = inputType(entry.value) ?? .string }
            return declaration
        }
        guard let fields = mapping(entry.value, "input '\(entry.key)'") else { return nil }
        checkKeys(fields, allowed: Self.inputKeys, in: "input '\(entry.key)'")
        var defaultNode: Node?
        var enumNode: Node?
        for field in fields {
            switch field.key {
            case "type": declaration.type = inputType(field.value) ?? .string
            case "description": declaration.description = string(field.value, "description")
            case "required": declaration.required = bool(field.value, "required") ?? false
            case "pattern":
                guard let pattern = string(field.value, "pattern") else { break }
                if (try? NSRegularExpression(pattern: pattern)) == nil {
                    error(
                        "'pattern' of input '\(entry.key)' is not a valid regular expression", at: field.value,
                        hint: "the pattern must match the whole value, e.g. [a-z0-9-]+")
                } else {
                    declaration.pattern = pattern
                }
            case "default": defaultNode = field.value
            case "enum": enumNode = field.value
            default: break
            }
        }
        if let enumNode {
            guard case .sequence(let items) = enumNode, !items.isEmpty else {
                error("'enum' of input '\(entry.key)' must be a non-empty list of allowed values", at: enumNode)
                return declaration
            }
            var allowed: [Value] = []
            for item in items {
                do { allowed.append(try InputValues.convert(Self.value(of: item), as: declaration.type)) } catch {
                    self.error("enum value of input '\(entry.key)' \(error.message)", at: item, hint: error.hint)
                }
            }
            declaration.allowedValues = allowed
        }
        if let defaultNode, Self.value(of: defaultNode) != .null {
            do {
                let value = try InputValues.convert(Self.value(of: defaultNode), as: declaration.type)
                try InputValues.check(value, against: declaration)
                declaration.defaultValue = value
            } catch {
                self.error("default of input '\(entry.key)': \(error.message)", at: defaultNode, hint: error.hint)
            }
        }
        return declaration
    }

    private func inputType(_ node: Node) -> InputType? {
        guard let name = string(node, "type") else { return nil }
        if let type = InputValues.type(named: name) { return type }
        let known = "types are " + InputValues.typeNames.joined(separator: ", ") + ", or list<TYPE> such as list<ip>"
        error(
            "unknown input type '\(name)'", at: node,
            hint: Suggestion.didYouMean(name, in: InputValues.typeNames).map { "\($0) \(known)" } ?? known)
        return nil
    }

    func secrets(_ node: Node) -> [SecretDeclaration] {
        var result: [SecretDeclaration] = []
        switch node {
        case .sequence(let items):
            for item in items {
                guard let name = string(item, "a secret name") else { continue }
                checkName(name, at: item, what: "secret", pattern: #"^[A-Za-z_][A-Za-z0-9_]*$"#)
                if result.contains(where: { $0.name == name }) {
                    error("secret '\(name)' is listed twice", at: item, hint: "remove one of the entries")
                    continue
                }
                result.append(SecretDeclaration(name: name, location: location(item)))
            }
        case .mapping:
            for entry in mapping(node, "'secrets'") ?? [] {
                checkName(entry.key, at: entry.keyNode, what: "secret", pattern: #"^[A-Za-z_][A-Za-z0-9_]*$"#)
                var secret = SecretDeclaration(name: entry.key, location: location(entry.keyNode))
                if case .scalar(let s) = entry.value, Self.value(of: s) == .null {
                    result.append(secret)
                    continue
                }
                guard let fields = mapping(entry.value, "secret '\(entry.key)'") else { continue }
                checkKeys(fields, allowed: Self.secretKeys, in: "secret '\(entry.key)'")
                for field in fields {
                    switch field.key {
                    case "description": secret.description = string(field.value, "description")
                    case "optional": secret.optional = bool(field.value, "optional") ?? false
                    default: break
                    }
                }
                result.append(secret)
            }
        default:
            error(
                "'secrets' must be a list of names or a map of names to {description, optional}, not \(describe(node))", at: node,
                hint: "secret values never go in the workflow; they come from RIG_SECRET_<name>, a secrets file or a prompt")
        }
        return result
    }

    func pools(_ node: Node) -> [String: Int] {
        var pools: [String: Int] = [:]
        for entry in mapping(node, "'pools'", hint: "write pools as a map of names to depths: `apt: 1`") ?? [] {
            if let depth = int(entry.value, "pool '\(entry.key)'", minimum: 1) { pools[entry.key] = depth }
        }
        return pools
    }

    func checkName(_ name: String, at node: Node, what: String, pattern: String) {
        guard name.range(of: pattern, options: .regularExpression) == nil else { return }
        let rule = pattern.contains("-") ? "letters, digits, '_' and '-'" : "letters, digits and '_'"
        error("'\(name)' is not a valid \(what) name", at: node, hint: "\(what) names use \(rule), and do not start with a digit")
    }
}
