import Foundation

/// The `.gitignore` lines `rig init` puts in a workflow folder so that a user's own repository
/// never picks up rig's state (the revision store included) or secrets files.
public enum StateIgnoreFile {
    /// `secrets.yaml` is what `rig lab files` writes beside the inventory.
    public static let patterns = ["\(RevisionStore.stateFolderName)/", "*.secrets.yaml", "secrets.yaml"]

    /// Adds the missing patterns to `<directory>/.gitignore` (creating it), keeping what is
    /// there. Returns the patterns added; empty when nothing changed.
    @discardableResult
    public static func ensure(in directory: URL) throws -> [String] {
        let file = directory.appendingPathComponent(".gitignore")
        let existing = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        let present = Set(existing.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
        let missing = patterns.filter { !present.contains($0) && !present.contains("/" + $0) }
        guard !missing.isEmpty else { return [] }
        var text = existing
        if !text.isEmpty, !text.hasSuffix("\n") { text += "\n" }
        if text.isEmpty { text = "# rig: run state, the revision store, and secrets never go into git\n" }
        text += missing.joined(separator: "\n") + "\n"
        try Data(text.utf8).write(to: file, options: .atomic)
        return missing
    }
}
