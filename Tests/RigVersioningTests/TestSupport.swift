import Foundation
@testable import RigVersioning

/// A temporary folder removed when the value goes away.
final class TemporaryDirectory {
    let url: URL

    init(_ label: String = "rig-versioning") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ relative: String) -> URL { url.appendingPathComponent(relative) }

    func write(_ relative: String, _ text: String) throws {
        let target = path(relative)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: target)
    }
}

struct CommandFailed: Error, CustomStringConvertible {
    var command: String
    var status: Int32
    var output: String
    var description: String { "`\(command)` exited \(status): \(output)" }
}

/// Runs the git CLI (tests only: the product never shells out to git) and returns its
/// standard output and error, trimmed. A synchronous `popen`, so no Dispatch or Task is blocked on.
@discardableResult
func git(_ arguments: String..., in directory: URL? = nil, environment: [String: String] = [:]) throws -> String {
    try git(arguments, in: directory, environment: environment)
}

@discardableResult
func git(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> String {
    let quoted = arguments.map(shellQuoted).joined(separator: " ")
    let env = environment.map { "\($0.key)=\(shellQuoted($0.value))" }.sorted().joined(separator: " ")
    let cd = directory.map { "cd \(shellQuoted($0.path)) && " } ?? ""
    return try shell("\(cd)\(env.isEmpty ? "" : "env \(env) ")git -c user.name=Tester -c user.email=tester@example.com \(quoted)")
}

private func shellQuoted(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

private func shell(_ command: String) throws -> String {
    guard let pipe = popen(command + " 2>&1", "r") else { throw CommandFailed(command: command, status: -1, output: "popen failed") }
    var output = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = fread(&buffer, 1, buffer.count, pipe)
        if count == 0 { break }
        output.append(contentsOf: buffer[..<count])
    }
    let status = pclose(pipe)
    let text = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard status == 0 else { throw CommandFailed(command: command, status: status, output: text) }
    return text
}

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
        try RigVersioningTests.git(["--git-dir", storePath] + arguments)
    }

    @discardableResult
    func commit(_ files: [String: String], summary: String = "change") throws -> Revision {
        try store.commitRevision(files: files.map { (path: $0.key, content: data($0.value)) }, summary: summary)
    }
}
