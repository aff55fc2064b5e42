import Foundation

/// The user's own git repository around the workflow folder, as it was when a revision was
/// recorded: rig reads it (HEAD and status) and never writes to it.
public struct WorkspaceProvenance: Sendable, Hashable {
    /// The repository's HEAD commit; nil when it has no commits yet.
    public var commit: ObjectID?
    /// Whether the repository had staged, unstaged or untracked changes (rig's own `.rig`
    /// folders excluded).
    public var dirty: Bool

    public init(commit: ObjectID?, dirty: Bool) {
        self.commit = commit
        self.dirty = dirty
    }

    static let commitTrailer = "Workspace-Commit"
    static let dirtyTrailer = "Workspace-Dirty"

    /// Commit-message trailers, e.g. `Workspace-Commit: 3f2a…` and `Workspace-Dirty: yes`.
    var trailers: [String] {
        var lines: [String] = []
        if let commit { lines.append("\(Self.commitTrailer): \(commit.hex)") }
        lines.append("\(Self.dirtyTrailer): \(dirty ? "yes" : "no")")
        return lines
    }

    init?(trailersOf message: String) {
        var commit: ObjectID?
        var dirty: Bool?
        for line in message.split(separator: "\n") {
            if let value = line.trailerValue(Self.commitTrailer) {
                commit = ObjectID(hex: value)
            } else if let value = line.trailerValue(Self.dirtyTrailer) {
                dirty = value == "yes"
            }
        }
        guard let dirty else { return nil }
        self.init(commit: commit, dirty: dirty)
    }

    /// Looks for a git repository enclosing `directory` (libgit2 discovery, stopping at
    /// filesystem boundaries) and reads its HEAD and status. Nil when there is none or it cannot
    /// be read (e.g. owned by another user): provenance is informative, never a reason to fail.
    public static func inspect(directory: URL) -> WorkspaceProvenance? {
        guard let gitDir = try? GitRepository.discover(from: directory.path),
            let repository = try? GitRepository.open(at: gitDir),
            repository.workdir != nil
        else { return nil }
        let head: ObjectID?
        let changed: [String]
        do {
            head = try repository.referenceTarget("HEAD")
            changed = try repository.changedPaths()
        } catch {
            return nil
        }
        let dirty = changed.contains { path in !path.split(separator: "/").contains(RevisionStore.stateFolderName[...]) }
        return WorkspaceProvenance(commit: head, dirty: dirty)
    }
}

extension Substring {
    /// The value of a `Key: value` trailer line, if this line is one.
    fileprivate func trailerValue(_ key: String) -> String? {
        guard hasPrefix(key + ":") else { return nil }
        return dropFirst(key.count + 1).trimmingCharacters(in: .whitespaces)
    }
}
