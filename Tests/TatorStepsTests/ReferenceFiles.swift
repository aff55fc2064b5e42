import Foundation

/// Finds the project's shared reference files: `<repo root>/../shared/reference/` (the layout of
/// a CI clone), falling back to `/work/shared/reference/` (engineers' worktrees live elsewhere).
enum ReferenceFiles {
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func url(_ name: String) -> URL? {
        let candidates = [
            repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/reference/\(name)"),
            URL(fileURLWithPath: "/work/shared/reference/\(name)"),
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) }
    }

    static func text(_ name: String) throws -> String {
        guard let url = url(name) else { throw Missing(name: name) }
        return try String(contentsOf: url, encoding: .utf8)
    }

    struct Missing: Error, CustomStringConvertible {
        var name: String
        var description: String {
            "reference file \(name) not found beside the repository (../shared/reference) nor in /work/shared/reference"
        }
    }
}
