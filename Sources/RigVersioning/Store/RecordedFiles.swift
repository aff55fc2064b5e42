import Foundation

/// The checks every file passes before it is recorded in a revision.
enum RecordedFiles {
    /// Normalizes and checks paths (relative, inside the workflow folder, no duplicates), and
    /// refuses content holding a secret's value or merge-conflict markers. Returns the files
    /// with normalized paths, sorted.
    static func validated(
        _ files: [(path: String, content: Data)], secretValues: [String: String]
    ) throws -> [(path: String, content: Data)] {
        var seen = Set<String>()
        var result: [(path: String, content: Data)] = []
        // Longest values first, so a secret that contains another is named rather than the shorter one.
        let secrets = secretValues.filter { !$0.value.isEmpty }
            .sorted { ($0.value.utf8.count, $1.key) > ($1.value.utf8.count, $0.key) }
            .map { (name: $0.key, bytes: Data($0.value.utf8)) }
        for file in files {
            let path = try normalized(file.path)
            guard seen.insert(path).inserted else { throw RevisionStoreError.duplicatePath(path) }
            if let secret = secrets.first(where: { file.content.range(of: $0.bytes) != nil }) {
                throw RevisionStoreError.secretInFile(path: path, secret: secret.name)
            }
            if let line = conflictMarkerLine(in: file.content) {
                throw RevisionStoreError.conflictMarkers(path: path, line: line)
            }
            result.append((path, file.content))
        }
        return result.sorted { $0.path < $1.path }
    }

    /// `a/./b.yaml` → `a/b.yaml`; absolute paths, `..`, empty paths and `.git` components are refused.
    static func normalized(_ path: String) throws -> String {
        guard !path.hasPrefix("/") else { throw RevisionStoreError.invalidPath(path) }
        let components = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        guard !components.isEmpty,
            !components.contains(where: { $0 == ".." || $0.lowercased() == ".git" })
        else { throw RevisionStoreError.invalidPath(path) }
        return components.joined(separator: "/")
    }

    /// The 1-based line of the first `<<<<<<< ` marker that is followed by `=======` and
    /// `>>>>>>> `, as git writes them.
    static func conflictMarkerLine(in content: Data) -> Int? {
        guard content.range(of: Data("<<<<<<< ".utf8)) != nil else { return nil }
        let lines = String(decoding: content, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("<<<<<<< ") }),
            let middle = lines[start...].firstIndex(where: { $0.hasPrefix("=======") }),
            lines[middle...].contains(where: { $0.hasPrefix(">>>>>>> ") })
        else { return nil }
        return start + 1
    }
}
