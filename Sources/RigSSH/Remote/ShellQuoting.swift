import RigKit

/// Single-quoting for bash source text that rig writes into scripts (never onto a command line).
enum ShellQuoting {
    /// `it's` → `'it'\''s'`: every byte stays literal, newlines included (RigKit's `shellQuote`).
    static func quote(_ value: String) -> String { shellQuote(value) }

    /// A name bash accepts in `export NAME=...`.
    static func isVariableName(_ name: String) -> Bool {
        func isLetter(_ b: UInt8) -> Bool { (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95 }
        let bytes = Array(name.utf8)
        guard let first = bytes.first, isLetter(first) else { return false }
        return bytes.allSatisfy { isLetter($0) || ($0 >= 48 && $0 <= 57) }
    }
}
