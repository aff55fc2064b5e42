/// Sets scalar values in a YAML document by editing its text, so everything else survives as
/// written: other keys, their order, comments, blank lines, quoting styles, anchors (`&domain`)
/// and the aliases that refer to them. Keys are addressed by path (`["pv", "nfsServer"]`).
/// A missing key is added at the end of its parent mapping (parents are created as needed).
public struct ValuesEditor: Sendable, Hashable {
    public private(set) var text: String

    public init(_ text: String) { self.text = text }

    /// Sets the scalar at a dotted path, e.g. `metallb.loadBalancerIp`.
    public mutating func set(_ dottedPath: String, to value: String) throws(ValuesEditError) {
        try set(path: dottedPath.split(separator: ".").map(String.init), to: value)
    }

    public mutating func set(path: [String], to value: String) throws(ValuesEditError) {
        precondition(!path.isEmpty, "empty key path")
        var document = YAMLOutline(text)
        if let entry = document.entries.first(where: { $0.path == path }) {
            try document.replaceValue(of: entry, with: value)
        } else {
            try document.insert(path: path, value: value)
        }
        text = document.text
    }

    /// Whether the document has a key at this dotted path.
    public func contains(_ dottedPath: String) -> Bool {
        contains(path: dottedPath.split(separator: ".").map(String.init))
    }

    public func contains(path: [String]) -> Bool { YAMLOutline(text).entries.contains { $0.path == path } }

    /// The scalar text at a path as written (quotes removed, escapes not interpreted), for tests and checks.
    public func rawValue(_ dottedPath: String) -> String? {
        let path = dottedPath.split(separator: ".").map(String.init)
        let outline = YAMLOutline(text)
        guard let entry = outline.entries.first(where: { $0.path == path }) else { return nil }
        return ScalarSlot(outline.lines[entry.line], valueStart: entry.valueStart).map { $0.unquotedText }
    }
}

/// Why a value could not be set.
public enum ValuesEditError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The key holds a mapping, a list or a block scalar, not a single value.
    case notAScalar(path: String, line: Int)
    /// The key's value is an alias (`*name`) of another key; set the anchored key instead.
    case alias(path: String, line: Int)
    /// A parent of the key holds a scalar or a flow collection, so the key cannot be added under it.
    case cannotAddUnder(path: String, line: Int)

    public var description: String {
        switch self {
        case .notAScalar(let path, let line):
            return
                "values.yaml line \(line): '\(path)' holds a mapping, list or block of text, not a single value; rig only sets single values"
        case .alias(let path, let line):
            return "values.yaml line \(line): '\(path)' is an alias of another key; set the key that defines the anchor instead"
        case .cannotAddUnder(let path, let line):
            return "values.yaml line \(line): cannot add '\(path)' because its parent is not a block mapping; edit that part by hand"
        }
    }
}

/// The block-mapping structure of a YAML text, line by line: which line holds which key path.
/// Sequence items and block-scalar bodies are walked over, never mistaken for keys.
struct YAMLOutline {
    struct Entry: Hashable {
        var path: [String]
        /// 0-based line index.
        var line: Int
        var indent: Int
        /// Index (in characters) where the text after `key:` starts.
        var valueStart: Int
    }

    var lines: [String]
    var entries: [Entry] = []
    private var endsWithNewline: Bool

    init(_ text: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        endsWithNewline = lines.last == ""
        if endsWithNewline { lines.removeLast() }
        self.lines = lines
        entries = YAMLOutline.scan(lines)
    }

    var text: String { lines.joined(separator: "\n") + (endsWithNewline ? "\n" : "") }

    private struct Frame {
        var indent: Int
        var name: String
        var isItem: Bool
    }

    private static func scan(_ lines: [String]) -> [Entry] {
        var entries: [Entry] = []
        var stack: [Frame] = []
        var blockScalarParentIndent: Int?
        for (index, line) in lines.enumerated() {
            let chars = Array(line)
            let indent = chars.prefix { $0 == " " }.count
            let isBlank = indent == chars.count || chars[indent] == "#"
            if let parent = blockScalarParentIndent {
                if isBlank || indent > parent { continue }
                blockScalarParentIndent = nil
            }
            if isBlank || chars[indent] == "\t" { continue }
            var column = indent
            if chars[column] == "-", column + 1 == chars.count || chars[column + 1] == " " {
                while let top = stack.last, top.indent > column || (top.indent == column && top.isItem) { stack.removeLast() }
                stack.append(Frame(indent: column, name: "-", isItem: true))
                column += 1
                while column < chars.count, chars[column] == " " { column += 1 }
                guard column < chars.count else { continue }
            } else {
                while let top = stack.last, top.indent >= column { stack.removeLast() }
            }
            guard let (key, colon) = keyAt(chars, from: column) else { continue }
            stack.append(Frame(indent: column, name: key, isItem: false))
            entries.append(Entry(path: stack.map(\.name), line: index, indent: column, valueStart: colon + 1))
            if let slot = ScalarSlot(line, valueStart: colon + 1), slot.isBlockScalarHeader {
                blockScalarParentIndent = column
            }
        }
        return entries
    }

    /// A mapping key starting at `from`: plain or quoted text followed by `:` and a space or the line end.
    static func keyAt(_ chars: [Character], from start: Int) -> (String, Int)? {
        guard start < chars.count else { return nil }
        let first = chars[start]
        if first == "\"" || first == "'" {
            var i = start + 1
            var key = ""
            while i < chars.count, chars[i] != first {
                key.append(chars[i])
                i += 1
            }
            guard i + 1 < chars.count, chars[i + 1] == ":", i + 2 == chars.count || chars[i + 2] == " " else { return nil }
            return (key, i + 1)
        }
        if "[]{}#&*!|>%@`,?".contains(first) { return nil }
        var i = start
        while i < chars.count {
            if chars[i] == ":", i + 1 == chars.count || chars[i + 1] == " " {
                let key = String(chars[start..<i]).trimmingTrailingSpaces()
                return key.isEmpty ? nil : (key, i)
            }
            if chars[i] == "#", i > start, chars[i - 1] == " " { return nil }
            i += 1
        }
        return nil
    }

    /// The entries nested under `entry` (its whole block).
    func children(of entry: Entry) -> [Entry] {
        entries.filter { $0.path.count > entry.path.count && Array($0.path.prefix(entry.path.count)) == entry.path && $0.line > entry.line }
    }

    /// The last line that belongs to the block of `entry` (ignoring trailing comments and blanks).
    func lastLine(of entry: Entry) -> Int {
        var last = entry.line
        var i = entry.line + 1
        while i < lines.count {
            let chars = Array(lines[i])
            let indent = chars.prefix { $0 == " " }.count
            let isBlank = indent == chars.count || chars[indent] == "#"
            if !isBlank {
                if indent <= entry.indent, !(indent == entry.indent && chars[indent] == "-" && entry.path.last != "-") { break }
                last = i
            }
            i += 1
        }
        return last
    }

    mutating func replaceValue(of entry: Entry, with value: String) throws(ValuesEditError) {
        let dottedPath = entry.path.joined(separator: ".")
        guard let slot = ScalarSlot(lines[entry.line], valueStart: entry.valueStart) else {
            throw .notAScalar(path: dottedPath, line: entry.line + 1)
        }
        if slot.isAlias { throw .alias(path: dottedPath, line: entry.line + 1) }
        if slot.isBlockScalarHeader || slot.isFlowCollection { throw .notAScalar(path: dottedPath, line: entry.line + 1) }
        if slot.isEmpty, !children(of: entry).isEmpty || nextLineIsItem(after: entry) {
            throw .notAScalar(path: dottedPath, line: entry.line + 1)
        }
        lines[entry.line] = slot.replacing(with: value)
    }

    private func nextLineIsItem(after entry: Entry) -> Bool {
        var i = entry.line + 1
        while i < lines.count {
            let chars = Array(lines[i])
            let indent = chars.prefix { $0 == " " }.count
            if indent == chars.count || chars[indent] == "#" {
                i += 1
                continue
            }
            return indent >= entry.indent && chars[indent] == "-"
        }
        return false
    }

    mutating func insert(path: [String], value: String) throws(ValuesEditError) {
        // Find the deepest existing parent.
        var depth = path.count - 1
        var parent: Entry?
        while depth > 0 {
            if let found = entries.first(where: { $0.path == Array(path.prefix(depth)) }) {
                parent = found
                break
            }
            depth -= 1
        }
        var insertAt: Int
        var indent: Int
        if let parent {
            guard let slot = ScalarSlot(lines[parent.line], valueStart: parent.valueStart), slot.isEmpty || slot.isNullLike,
                !nextLineIsItem(after: parent)
            else {
                throw .cannotAddUnder(path: path.joined(separator: "."), line: parent.line + 1)
            }
            insertAt = lastLine(of: parent) + 1
            indent = children(of: parent).first.map(\.indent) ?? parent.indent + 2
            if slot.isNullLike { lines[parent.line] = slot.clearingValue() }
        } else {
            insertAt = lines.count
            while insertAt > 0, lines[insertAt - 1].allSatisfy({ $0 == " " }) { insertAt -= 1 }
            indent = 0
        }
        var newLines: [String] = []
        for (offset, key) in path.enumerated().dropFirst(depth) {
            let pad = String(repeating: " ", count: indent + (offset - depth) * 2)
            let keyText = ScalarSlot.isPlainSafe(key) ? key : ScalarSlot.doubleQuoted(key)
            newLines.append(offset == path.count - 1 ? "\(pad)\(keyText): \(ScalarSlot.render(value, style: .plain))" : "\(pad)\(keyText):")
        }
        lines.insert(contentsOf: newLines, at: insertAt)
        if insertAt == lines.count - newLines.count, !endsWithNewline { endsWithNewline = true }
        entries = YAMLOutline.scan(lines)
    }
}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
