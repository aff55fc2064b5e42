/// The argument of `rig show`: `REV` or `REV:PATH` (e.g. `HEAD~1:workflow.yaml`, `prod:inventory.yaml`).
public struct RevisionPath: Sendable, Hashable {
    public var revision: String
    /// The file, nil to show the revision itself.
    public var path: String?

    public init(revision: String, path: String? = nil) {
        self.revision = revision
        self.path = path
    }

    /// Splits at the first `:` outside `{...}` (so `HEAD^{/fix: x}` stays one revision);
    /// an empty revision (`:workflow.yaml`) means HEAD.
    public init(parsing text: String) {
        var depth = 0
        for index in text.indices {
            switch text[index] {
            case "{": depth += 1
            case "}": depth = max(0, depth - 1)
            case ":" where depth == 0:
                let revision = String(text[..<index])
                self.init(revision: revision.isEmpty ? "HEAD" : revision, path: String(text[text.index(after: index)...]))
                return
            default: break
            }
        }
        self.init(revision: text.isEmpty ? "HEAD" : text)
    }
}
