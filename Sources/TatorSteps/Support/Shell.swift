/// Quoting for text spliced into bash scripts.
/// TODO(loader): switch to RigKit's public `shellQuote(_:)` once it lands on main.
enum Shell {
    /// A bash word that expands to exactly `text`: unchanged when it only holds safe characters,
    /// otherwise single-quoted.
    static func quote(_ text: String) -> String {
        if !text.isEmpty, text.unicodeScalars.allSatisfy({ safe.contains($0) }) { return text }
        return "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }

    private static let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:@%+,-".unicodeScalars)

    /// A here-document feeding `content` verbatim (no expansion) to `command`.
    static func heredoc(_ command: String, _ content: String) -> String {
        var delimiter = "RIG_EOF"
        while content.contains(delimiter) { delimiter += "_" }
        let body = content.hasSuffix("\n") ? content : content + "\n"
        return "\(command) <<'\(delimiter)'\n\(body)\(delimiter)"
    }
}
