import Foundation

/// `rig` run in one folder with a clean environment (PATH, HOME, an author), for the
/// revision commands' tests.
struct RigInDirectory {
    typealias Result = RigProcess.Result

    var directory: URL
    var environment: [String: String] = ["RIG_AUTHOR_NAME": "Ada Lovelace", "RIG_AUTHOR_EMAIL": "ada@example.com"]

    /// Runs `rig ARGS...` in `directory` with a clean environment (PATH, HOME, and `environment`).
    @discardableResult
    func callAsFunction(_ arguments: String...) throws -> Result { try run(arguments) }

    func run(_ arguments: [String], extraEnvironment: [String: String] = [:]) throws -> Result {
        let process = start(arguments, extraEnvironment: extraEnvironment)
        try process.process.run()
        return process.finish()
    }

    struct Running {
        var process: Process
        var out: Pipe
        /// Standard error goes to a file, so neither stream can fill up while the other is read.
        var errFile: URL

        func finish() -> Result {
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let stderr = (try? Data(contentsOf: errFile)) ?? Data()
            try? FileManager.default.removeItem(at: errFile)
            return Result(
                status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                stderr: String(decoding: stderr, as: UTF8.self))
        }
    }

    /// A configured, not yet started child (for runs started together).
    func start(_ arguments: [String], extraEnvironment: [String: String] = [:]) -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RigProcess.executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": directory.path, "GIT_CONFIG_NOSYSTEM": "1",
        ]
        env.merge(environment) { _, new in new }
        env.merge(extraEnvironment) { _, new in new }
        process.environment = env
        let out = Pipe()
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("rig-stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        process.standardOutput = out
        process.standardError = FileHandle(forWritingAtPath: errFile.path)
        process.standardInput = FileHandle.nullDevice
        return Running(process: process, out: out, errFile: errFile)
    }
}
