import Foundation

/// The checks every file passes before it is recorded in a revision.
enum RecordedFiles {
    /// Secrets shorter than this are not looked for in the files.
    static let minimumSecretLength = 8

    /// Normalizes and checks paths (relative, inside the workflow folder, no duplicates), and
    /// refuses content holding a secret's value or merge-conflict markers. Returns the files
    /// with normalized paths, sorted.
    static func validated(
        _ files: [(path: String, content: Data)], secretValues: [String: String]
    ) throws -> [(path: String, content: Data)] {
        var seen = Set<String>()
        var result: [(path: String, content: Data)] = []
        // A shorter secret (a password like `ubuntu`) occurs by chance in innocent text; refusing
        // it would block every run and tell whoever reads the message what the secret is.
        let secrets = secretValues.values.filter { $0.count >= minimumSecretLength }.map { Data($0.utf8) }
        for file in files {
            let path = try normalized(file.path)
            guard seen.insert(path).inserted else { throw RevisionStoreError.duplicatePath(path) }
            if let offset = secrets.compactMap({ file.content.range(of: $0)?.lowerBound }).min() {
                let line = file.content[file.content.startIndex..<offset].reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
                throw RevisionStoreError.secretInFile(path: path, line: line)
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
