import Foundation
import RigKit

/// Why the revision store refused or failed; every description says what to do next.
public enum RevisionStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No store at the path and creating one was not asked for.
    case missing(store: String)
    /// The store folder could not be created (read-only folder, disk full, ...).
    case cannotCreate(store: String, detail: String)
    /// Files of the store were deleted or damaged by hand, or an object cannot be read.
    case damaged(store: String, detail: String)
    /// HEAD does not point at rig's branch (e.g. after `git clone --mirror` of a remote whose
    /// default branch has another name).
    case headMismatch(store: String, head: String)
    /// HEAD holds something that is no reference at all (edited or overwritten by hand).
    case headUnreadable(store: String, detail: String)
    /// The store was written by a newer rig.
    case newerFormat(store: String, found: Int, supported: Int)
    /// Another rig process held the store's write lock for longer than the wait limit.
    case busy(store: String, holder: String?, waitedSeconds: Double)
    /// A revision expression names nothing.
    case unknownRevision(String)
    /// A short id or name matches several objects.
    case ambiguousRevision(String, detail: String)
    /// A revision expression libgit2 cannot parse.
    case invalidRevision(String, detail: String)
    /// The store has no revisions yet.
    case noRevisions(store: String)
    case fileNotFound(path: String, revision: String)
    /// A file path to record is absolute, empty, or escapes the workflow folder.
    case invalidPath(String)
    case duplicatePath(String)
    /// A file holds the value of a secret (of `RecordedFiles.minimumSecretLength` characters or
    /// more) at `line`; neither the value nor which secret it is is ever shown.
    case secretInFile(path: String, line: Int)
    /// A file still holds merge-conflict markers.
    case conflictMarkers(path: String, line: Int)
    case tagExists(name: String, revision: String)
    case invalidTagName(String)
    case invalidRunID(String)
    /// Writing to the store failed for a reason other than the ones above.
    case writeFailed(store: String, detail: String)

    public var description: String {
        switch self {
        case .missing(let store):
            return "no revision store at \(store): nothing has been recorded in \(Self.workflowFolder(of: store)) yet. "
                + "`rig run FILE` with a workflow file of that folder records its first revision."
        case .cannotCreate(let store, let detail):
            return "cannot create the revision store at \(store): \(detail). Check that the workflow folder is writable."
        case .damaged(let store, let detail):
            return """
                the revision store at \(store) is damaged: \(detail). rig has not changed it. \
                Inspect it with `git --git-dir \(shellQuote(store)) fsck`; to keep working, start a fresh store \
                with `rig init --fresh-store \(shellQuote(Self.workflowFolder(of: store)))`, which moves the damaged \
                one aside (nothing is deleted).
                """
        case .headMismatch(let store, let head):
            return """
                HEAD of the revision store at \(store) points to \(head), but rig keeps revisions on \
                refs/heads/\(RevisionStore.branch). Point it back with \
                `git --git-dir \(shellQuote(store)) symbolic-ref HEAD refs/heads/\(RevisionStore.branch)`.
                """
        case .headUnreadable(let store, let detail):
            return """
                HEAD of the revision store at \(store) is not a reference (\(detail)); it should point to \
                refs/heads/\(RevisionStore.branch). rig has not changed it. Point it back with \
                `printf 'ref: refs/heads/\(RevisionStore.branch)\\n' > \(shellQuote(store + "/HEAD"))`.
                """
        case .newerFormat(let store, let found, let supported):
            return """
                the revision store at \(store) has format \(found), but this rig understands format \(supported) \
                or older. Upgrade rig to use this store; rig has not changed it.
                """
        case .busy(let store, let holder, let waited):
            let who = holder.map { " (held by \($0))" } ?? ""
            return """
                another rig is writing to the revision store at \(store)\(who); gave up after \
                \(String(format: "%.0f", waited)) s. Wait for it to finish and try again.
                """
        case .unknownRevision(let spec):
            return "unknown revision '\(spec)': no commit, tag or branch of that name. `rig history` lists revisions."
        case .ambiguousRevision(let spec, let detail):
            return "revision '\(spec)' is ambiguous (\(detail)); give more characters of the id."
        case .invalidRevision(let spec, let detail):
            return "'\(spec)' is not a valid revision (\(detail)); use an id, a tag, HEAD, or HEAD~N."
        case .noRevisions(let store):
            return "the revision store at \(store) has no revisions yet; `rig run FILE` with a workflow file of "
                + "\(Self.workflowFolder(of: store)) records the first one."
        case .fileNotFound(let path, let revision):
            return "revision \(revision) has no file '\(path)'; `rig show \(shellQuote(revision))` lists its files."
        case .invalidPath(let path):
            return "cannot record '\(path)': paths must be relative to the workflow folder and stay inside it."
        case .duplicatePath(let path):
            return "cannot record '\(path)' twice in one revision."
        case .secretInFile(let path, let line):
            return """
                refusing to record a revision: \(path):\(line) holds the value of one of the run's secrets. \
                Remove it from the file and write ${{ secrets.NAME }} where the step needs it; give the value \
                through RIG_SECRET_NAME or the secrets file.
                """
        case .conflictMarkers(let path, let line):
            return "refusing to record a revision: \(path):\(line) has a merge-conflict marker; resolve the conflict first."
        case .tagExists(let name, let revision):
            return "tag '\(name)' already names revision \(revision); choose another name."
        case .invalidTagName(let name):
            return "'\(name)' is not a valid tag name (no spaces, '..', '~', '^', ':', '?', '*', '[' or '\\')."
        case .invalidRunID(let id):
            return "cannot record run '\(id)': a run id must be a non-empty file name without '/'."
        case .writeFailed(let store, let detail):
            return "cannot write to the revision store at \(store): \(detail)"
        }
    }

    /// `<folder>/.rig/revisions.git` → `<folder>`.
    static func workflowFolder(of store: String) -> String {
        ((store as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
    }
}
