import Foundation

public struct CommandFailed: Error, CustomStringConvertible {
    public var command: String
    public var status: Int32
    public var output: String
    public var description: String { "`\(command)` exited \(status): \(output)" }
}

/// Runs the git CLI (tests only: the product never shells out to git) and returns its
/// standard output and error, trimmed. A synchronous `popen`, so no Dispatch or Task is blocked on.
@discardableResult
public func git(_ arguments: String..., in directory: URL? = nil, environment: [String: String] = [:]) throws -> String {
    try git(arguments, in: directory, environment: environment)
}

@discardableResult
public func git(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> String {
    let quoted = arguments.map(shellQuoted).joined(separator: " ")
    let env = environment.map { "\($0.key)=\(shellQuoted($0.value))" }.sorted().joined(separator: " ")
    let cd = directory.map { "cd \(shellQuoted($0.path)) && " } ?? ""
    return try shell("\(cd)\(env.isEmpty ? "" : "env \(env) ")git -c user.name=Tester -c user.email=tester@example.com \(quoted)")
}

private func shellQuoted(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

/// `sh -c COMMAND` with standard error folded into the output; throws unless it exits 0.
@discardableResult
public func shell(_ command: String) throws -> String {
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
