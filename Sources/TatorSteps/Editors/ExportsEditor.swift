/// Edits `/etc/exports` text so that it holds exactly one line for each path rig owns (the share
/// and its `scratch` folder), and changes nothing else: every other line, comment and blank line
/// stays as it was, in place. Pure text in, text out; applying it twice equals applying it once.
public struct ExportsEditor: Sendable, Hashable {
    /// One export line: `path clients(options)`.
    public struct Export: Sendable, Hashable {
        public var path: String
        /// Who may mount: a network such as `192.168.1.0/24`, a host or `*`.
        public var clients: String
        public var options: String

        public init(path: String, clients: String, options: String = "rw,async,no_subtree_check") {
            self.path = path
            self.clients = clients
            self.options = options
        }

        public var line: String { "\(path) \(clients)(\(options))" }
    }

    public var exports: [Export]

    public init(_ exports: [Export]) { self.exports = exports }

    /// The tutorial's two lines: the share and its `scratch` folder, open to the LAN.
    public static func tator(share: String, lan: String, options: String = "rw,async,no_subtree_check") -> ExportsEditor {
        ExportsEditor([
            Export(path: share, clients: lan, options: options),
            Export(path: share.hasSuffix("/") ? share + "scratch" : share + "/scratch", clients: lan, options: options),
        ])
    }

    /// The file with rig's lines in place: a line exporting one of rig's paths is replaced where it
    /// stands (a stale client or option list is corrected), later lines for the same path are
    /// dropped, and a missing line is appended at the end.
    public func apply(to text: String) -> String {
        let entries = Self.logicalLines(text)
        var output: [String] = []
        var placed = Set<String>()
        for entry in entries {
            guard let path = Self.exportedPath(entry.joined(separator: "\n")),
                let owned = exports.first(where: { Self.normalize($0.path) == path })
            else {
                output.append(contentsOf: entry)
                continue
            }
            let key = Self.normalize(owned.path)
            if placed.insert(key).inserted { output.append(owned.line) }
        }
        for export in exports where placed.insert(Self.normalize(export.path)).inserted {
            output.append(export.line)
        }
        return output.isEmpty ? "" : output.joined(separator: "\n") + "\n"
    }

    /// The physical lines grouped into entries: a line ending in `\` continues on the next one.
    static func logicalLines(_ text: String) -> [[String]] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var entries: [[String]] = []
        var current: [String] = []
        for line in lines {
            current.append(line)
            if !line.hasSuffix("\\") {
                entries.append(current)
                current = []
            }
        }
        if !current.isEmpty { entries.append(current) }
        return entries
    }

    /// The path an export entry exports (its first field, unquoted), or nil for comments and blank lines.
    static func exportedPath(_ entry: String) -> String? {
        let trimmed = entry.drop { $0 == " " || $0 == "\t" }
        guard let first = trimmed.first, first != "#" else { return nil }
        if first == "\"" {
            let rest = trimmed.dropFirst()
            guard let close = rest.firstIndex(of: "\"") else { return nil }
            return normalize(String(rest[..<close]))
        }
        let field = trimmed.prefix { $0 != " " && $0 != "\t" && $0 != "\\" }
        return field.isEmpty ? nil : normalize(String(field))
    }

    /// `/a/b/` and `/a/b` export the same folder.
    static func normalize(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p = p.dropLast() }
        return String(p)
    }
}
