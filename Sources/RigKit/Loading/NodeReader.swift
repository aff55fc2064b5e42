import OrderedCollections
import RigModel
import Yams

/// Collects every problem found while loading, across files.
final class DiagnosticCollector {
    private(set) var diagnostics: [Diagnostic] = []

    func error(_ message: String, at location: SourceLocation?, hint: String? = nil) {
        diagnostics.append(.error(message, at: location, hint: hint))
    }

    func append(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }
    func append(contentsOf more: [Diagnostic]) { diagnostics.append(contentsOf: more) }

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// One key of a YAML mapping with the nodes of both sides.
struct MappingEntry {
    var key: String
    var keyNode: Node
    var value: Node
}

/// Reads typed fields out of YAML nodes, reporting each misfit at its location.
struct NodeReader {
    let file: YAMLFile
    let problems: DiagnosticCollector
    /// Whether files named by the YAML (an inventory's ssh_config) are checked to exist.
    var checksHostFiles = true

    func location(_ node: Node) -> SourceLocation { file.location(of: node) }

    func error(_ message: String, at node: Node, hint: String? = nil) {
        problems.error(message, at: location(node), hint: hint)
    }

    /// The entries of a mapping, or nil (reported) when `node` is not one. Renamed duplicates are
    /// left out; YAML merge keys (`<<: *defaults`, or a list of aliases) add the keys not written here.
    func mapping(_ node: Node, _ what: String, hint: String? = nil) -> [MappingEntry]? {
        guard case .mapping(let mapping) = node else {
            error("\(what) must be a map, not \(describe(node))", at: node, hint: hint)
            return nil
        }
        var entries: [MappingEntry] = []
        var merged: [Node] = []
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                error("a key in \(what) must be a plain name, not \(describe(key))", at: key)
                continue
            }
            if name.hasPrefix(YAMLFile.duplicateKeyPrefix) { continue }
            if name == "<<", key.scalar?.style == .plain {
                merged += value.sequence.map(Array.init) ?? [value]
                continue
            }
            entries.append(MappingEntry(key: name, keyNode: key, value: value))
        }
        for source in merged {
            guard let more = self.mapping(source, "a merged map ('<<')") else { continue }
            for entry in more where !entries.contains(where: { $0.key == entry.key }) { entries.append(entry) }
        }
        return entries
    }

    /// Reports keys not in `allowed`, with a "did you mean".
    func checkKeys(_ entries: [MappingEntry], allowed: [String], in what: String) {
        for entry in entries where !allowed.contains(entry.key) {
            let known = "\(what) keys are: " + allowed.joined(separator: ", ")
            error(
                "unknown key '\(entry.key)' in \(what)", at: entry.keyNode,
                hint: Suggestion.didYouMean(entry.key, in: allowed).map { "\($0) \(known)" } ?? known)
        }
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a map"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let s):
            switch Self.value(of: s) {
            case .null: return "empty"
            case .string(let text): return "the text \"\(text.count > 40 ? String(text.prefix(37)) + "..." : text)\""
            case let other: return "the \(other.kindName) \(other.text)"
            }
        }
    }

    // MARK: Scalars

    /// A scalar resolved with YAML 1.2's core schema, kept stricter than YAML 1.1: only
    /// true/false are booleans (`yes`, `no`, `on` stay text), and numbers that would not read
    /// back the same (`1.10`, `0755`, `0x1F`) stay text, so versions and modes are not mangled.
    static func value(of scalar: Node.Scalar) -> Value {
        let text = scalar.string
        switch scalar.tag.description {
        case "":
            guard scalar.style == .plain || scalar.style == .any else { return .string(text) }
        case Tag.Name.str.rawValue: return .string(text)
        case Tag.Name.int.rawValue: return Int(text).map(Value.int) ?? .string(text)
        case Tag.Name.bool.rawValue: return plainValue(text)
        case Tag.Name.null.rawValue: return .null
        default: return .string(text)
        }
        return plainValue(text)
    }

    private static func plainValue(_ text: String) -> Value {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default:
            if let n = Int(text), String(n) == text { return .int(n) }
            return .string(text)
        }
    }

    /// Any YAML tree as a `Value`.
    static func value(of node: Node) -> Value {
        switch node {
        case .scalar(let s): return value(of: s)
        case .sequence(let seq): return .list(seq.map { value(of: $0) })
        case .mapping(let map):
            var entries = OrderedDictionary<String, Value>()
            for (k, v) in map { entries[k.scalar?.string ?? value(of: k).text] = value(of: v) }
            return .map(entries)
        case .alias: return .null
        }
    }

    func string(_ node: Node, _ field: String) -> String? {
        guard case .scalar(let s) = node, Self.value(of: s) != .null else {
            error("'\(field)' must be a text value, not \(describe(node))", at: node)
            return nil
        }
        return s.string
    }

    func int(_ node: Node, _ field: String, minimum: Int? = nil) -> Int? {
        guard case .scalar(let s) = node, case .int(let n) = Self.value(of: s) else {
            error("'\(field)' must be a whole number, not \(describe(node))", at: node)
            return nil
        }
        if let minimum, n < minimum {
            error("'\(field)' must be at least \(minimum), not \(n)", at: node)
            return nil
        }
        return n
    }

    /// true/false; yes/no/on/off are accepted too, as YAML 1.1 habits.
    func bool(_ node: Node, _ field: String) -> Bool? {
        if case .scalar(let s) = node {
            switch Self.value(of: s) {
            case .bool(let b): return b
            case .string(let t) where ["yes", "on"].contains(t.lowercased()): return true
            case .string(let t) where ["no", "off"].contains(t.lowercased()): return false
            default: break
            }
        }
        error("'\(field)' must be true or false, not \(describe(node))", at: node)
        return nil
    }

    /// A single name or a list of names (`needs: build` or `needs: [build, test]`), with each name's location.
    func names(_ node: Node, _ field: String) -> [(String, SourceLocation)]? {
        switch node {
        case .scalar(let s) where Self.value(of: s) == .null:
            return []
        case .scalar:
            return string(node, field).map { [($0, location(node))] }
        case .sequence(let items):
            var names: [(String, SourceLocation)] = []
            for item in items {
                guard case .scalar = item, let name = string(item, "an entry of '\(field)'") else { continue }
                names.append((name, location(item)))
            }
            return names
        default:
            error("'\(field)' must be a name or a list of names, not \(describe(node))", at: node)
            return nil
        }
    }

    /// `30s`, `5m`, `1h30m`, or a number of seconds.
    func duration(_ node: Node, _ field: String) -> Duration? {
        if case .scalar(let s) = node, let d = DurationSyntax.parse(s.string) { return d }
        error("'\(field)' must be a duration, not \(describe(node))", at: node, hint: "write durations like 30s, 5m, 1h30m or 500ms")
        return nil
    }

    // MARK: Templates and parameters

    /// A string that may embed `${{ }}` expressions.
    func template(_ node: Node, _ field: String) -> Template? {
        guard case .scalar(let s) = node, Self.value(of: s) != .null else {
            error("'\(field)' must be text, not \(describe(node))", at: node)
            return nil
        }
        return parseTemplate(s.string, node: node)
    }

    func parseTemplate(_ text: String, node: Node) -> Template? {
        guard text.contains("${{") else { return Template(literal: text, location: location(node)) }
        do {
            return try TemplateParser.parse(text, location: location(node), locator: file.templateLocator(for: node, value: text))
        } catch {
            problems.append(error.diagnostic)
            return nil
        }
    }

    /// `when:` holds an expression with or without `${{ }}`, or a literal true/false.
    func condition(_ node: Node, _ field: String) -> Template? {
        guard case .scalar(let s) = node else {
            error("'\(field)' must be a condition such as inputs.gpu == true, not \(describe(node))", at: node)
            return nil
        }
        let here = location(node)
        let value = Self.value(of: s)
        if case .string(let text) = value, !text.contains("${{") {
            do {
                let expression = try TemplateParser.parseExpression(
                    text, location: here,
                    locator: TemplateParser.defaultLocator(text: Array(text.unicodeScalars), at: YAMLFile.contentStart(of: node, at: here)))
                return Template(parts: [.expression(expression, source: text)], source: text, location: here)
            } catch {
                problems.append(error.diagnostic)
                return nil
            }
        }
        if case .string(let text) = value { return parseTemplate(text, node: node) }
        return Template(parts: [.expression(.literal(value), source: s.string)], source: s.string, location: here)
    }

    /// A `with:` tree: strings become templates, other scalars literals.
    func parameterNode(_ node: Node) -> ParameterNode {
        switch node {
        case .scalar(let s):
            let value = Self.value(of: s)
            if case .string(let text) = value {
                return parseTemplate(text, node: node).map(ParameterNode.template) ?? .literal(value, location(node))
            }
            return .literal(value, location(node))
        case .sequence(let items):
            return .list(items.map(parameterNode), location(node))
        case .mapping:
            var entries = OrderedDictionary<String, ParameterNode>()
            for entry in mapping(node, "a parameter map") ?? [] { entries[entry.key] = parameterNode(entry.value) }
            return .map(entries, location(node))
        case .alias:
            return .literal(.null, location(node))
        }
    }
}
