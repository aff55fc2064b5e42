/// Small facts about bash syntax the transports need.
public enum ShellSyntax {
    /// `text` as one bash word, in single quotes: nothing inside is expanded.
    public static func quote(_ text: String) -> String { shellQuote(text) }

    /// The words of a script that is one plain command, which can be exec'd without a shell
    /// (GNU make's rule): no shell metacharacters, no newline, no assignment, and a first word
    /// that is not a shell keyword or a builtin without a program of the same name. Nil otherwise.
    public static func simpleCommandWords(_ script: String) -> [String]? {
        var trimmed = Substring(script)
        while let last = trimmed.last, last == "\n" || last == " " || last == "\t" { trimmed.removeLast() }
        while let first = trimmed.first, first == " " || first == "\t" { trimmed.removeFirst() }
        guard !trimmed.isEmpty, !trimmed.contains(where: { metacharacters.contains($0) }) else { return nil }
        let words = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let first = words.first, !first.contains("="), !shellOnly.contains(first) else { return nil }
        return words
    }

    private static let metacharacters: Set<Character> = Set("#;\"*?[]&|<>(){}$`'~!\\\n\r")

    private static let shellOnly: Set<String> = [
        ".", ":", "alias", "bg", "bind", "break", "builtin", "caller", "case", "cd", "command", "compgen",
        "complete", "compopt", "continue", "coproc", "declare", "dirs", "disown", "do", "done", "elif", "else",
        "enable", "esac", "eval", "exec", "exit", "export", "fc", "fg", "fi", "for", "function", "getopts",
        "hash", "help", "history", "if", "in", "jobs", "let", "local", "logout", "mapfile", "popd", "pushd",
        "read", "readarray", "readonly", "return", "select", "set", "shift", "shopt", "source", "suspend",
        "then", "time", "times", "trap", "type", "typeset", "ulimit", "umask", "unalias", "unset", "until",
        "wait", "while",
    ]
}
