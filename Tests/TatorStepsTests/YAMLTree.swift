import Yams

/// A parsed YAML document reduced to what values.yaml readers see: scalars as text (with their
/// resolved tag, so `"yes"` and `yes` differ), lists and mappings; aliases resolved.
indirect enum YAMLTree: Equatable, CustomStringConvertible {
    case scalar(String, tag: String)
    case list([YAMLTree])
    case map([String: YAMLTree])

    init(_ node: Node) {
        switch node {
        case .scalar(let s):
            self = .scalar(s.string, tag: node.tag.description)
        case .sequence(let seq):
            self = .list(seq.map(YAMLTree.init))
        case .mapping(let map):
            var out: [String: YAMLTree] = [:]
            for (k, v) in map { out[k.string ?? "\(k)"] = YAMLTree(v) }
            self = .map(out)
        case .alias:
            self = .scalar("<alias>", tag: "")
        }
    }

    static func parse(_ text: String) throws -> YAMLTree {
        guard let node = try Yams.compose(yaml: text) else { return .map([:]) }
        return YAMLTree(node)
    }

    subscript(path: [String]) -> YAMLTree? {
        guard let first = path.first else { return self }
        guard case .map(let m) = self, let child = m[first] else { return nil }
        return child[Array(path.dropFirst())]
    }

    /// A copy with the scalar at `path` replaced by a string.
    func setting(_ path: [String], to value: String) -> YAMLTree {
        guard let first = path.first else { return .scalar(value, tag: "tag:yaml.org,2002:str") }
        guard case .map(var m) = self else { return self }
        m[first] = (m[first] ?? .map([:])).setting(Array(path.dropFirst()), to: value)
        return .map(m)
    }

    var string: String? { if case .scalar(let s, _) = self { return s } else { return nil } }

    var description: String {
        switch self {
        case .scalar(let s, let tag): return "\(s)<\(tag)>"
        case .list(let l): return "[" + l.map(\.description).joined(separator: ", ") + "]"
        case .map(let m): return "{" + m.keys.sorted().map { "\($0): \(m[$0]!)" }.joined(separator: ", ") + "}"
        }
    }
}
