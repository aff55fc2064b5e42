import Foundation
import RigTestSupport

@testable import RigVersioning

func data(_ text: String) -> Data { Data(text.utf8) }

/// A workflow folder with a store, and no enclosing git repository.
final class StoreFixture {
    let folder: TemporaryDirectory
    let store: RevisionStore

    init(environment: [String: String] = ["RIG_AUTHOR_NAME": "Ada Lovelace", "RIG_AUTHOR_EMAIL": "ada@example.com"]) throws {
        folder = try TemporaryDirectory()
        store = try RevisionStore(workflowDirectory: folder.url, environment: environment)
    }

    var storePath: String { store.url.path }

    /// `git --git-dir <store> ARGS...`, trimmed.
    func git(_ arguments: String...) throws -> String {
        try RigTestSupport.git(["--git-dir", storePath] + arguments)
    }

    @discardableResult
    func commit(_ files: [String: String], summary: String = "change") throws -> Revision {
        try store.commitRevision(files: files.map { (path: $0.key, content: data($0.value)) }, summary: summary)
    }
}
