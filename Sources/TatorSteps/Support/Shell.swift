import RigKit

/// Quoting for text spliced into bash scripts.
enum Shell {
    /// A bash word that expands to exactly `text` (RigKit's `shellQuote`).
    static func quote(_ text: String) -> String { shellQuote(text) }

    /// A here-document feeding `content` verbatim (no expansion) to `command`.
    static func heredoc(_ command: String, _ content: String) -> String {
        var delimiter = "RIG_EOF"
        while content.contains(delimiter) { delimiter += "_" }
        let body = content.hasSuffix("\n") ? content : content + "\n"
        return "\(command) <<'\(delimiter)'\n\(body)\(delimiter)"
    }
}
