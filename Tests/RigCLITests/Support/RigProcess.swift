import Foundation

/// The built `rig` executable, run as a child process the way a user runs it.
enum RigProcess {
    /// `rig` in the build products folder, beside the test bundle.
    static let executable: String = {
        var dir = URL(
            fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                ?? CommandLine.arguments[0]
        ).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("rig").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/rig").path
    }()

    /// Starts rig in `directory` with the test's environment (never its `RIG_SECRET_*`) plus
    /// `environment`; `env -C` changes folder, then execs rig in place, so the pid is rig's.
    static func spawn(
        _ arguments: [String], in directory: String, environment: [String: String] = [:],
        actions: inout posix_spawn_file_actions_t, attributes: UnsafePointer<posix_spawnattr_t>?
    ) -> pid_t {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("RIG_SECRET_") }
        env.merge(environment) { $1 }
        let argv = (["/usr/bin/env", "-C", directory, executable] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, "/usr/bin/env", &actions, attributes, argv, envp)
        precondition(code == 0, "cannot start \(executable): \(code)")
        return pid
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var output: String { stdout + stderr }
    }

    /// A started rig whose output goes to files.
    final class Child {
        let pid: pid_t
        let out: String
        let err: String

        init(_ arguments: [String], in directory: String, environment: [String: String] = [:]) {
            out = directory + "/.rig-test-out-\(UUID().uuidString.prefix(8))"
            err = out + ".err"
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            pid = RigProcess.spawn(arguments, in: directory, environment: environment, actions: &actions, attributes: nil)
        }

        /// Waits for the exit; collects and removes the output files.
        func wait() -> Result {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            defer {
                unlink(out)
                unlink(err)
            }
            return Result(
                status: code, stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
        }

        /// Whether it is still running (reaps it if not, keeping the status for `wait`).
        var isRunning: Bool { Self.isRunningProcess(pid) }

        static func isRunningProcess(_ pid: pid_t) -> Bool { kill(pid, 0) == 0 && !isZombie(pid) }

        static func isZombie(_ pid: pid_t) -> Bool {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return true }
            return stat[stat.index(close, offsetBy: 2)] == "Z"
        }
    }

    static func run(_ arguments: [String], in directory: String, environment: [String: String] = [:]) -> Result {
        Child(arguments, in: directory, environment: environment).wait()
    }
}

/// A temporary folder for one test, removed when the test ends.
final class TestFolder {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "rig-cli-test-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ text: String) {
        try! FileManager.default.createDirectory(
            atPath: (file(name) as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try! text.write(toFile: file(name), atomically: true, encoding: .utf8)
    }

    func read(_ name: String) -> String { (try? String(contentsOfFile: file(name), encoding: .utf8)) ?? "" }

    func bytes(_ name: String) -> [UInt8] { Array(FileManager.default.contents(atPath: file(name)) ?? Data()) }

    /// Every file below `name`, recursively.
    func files(under name: String) -> [String] {
        let base = file(name)
        return (FileManager.default.enumerator(atPath: base)?.allObjects as? [String] ?? []).map { base + "/" + $0 }
            .filter {
                var d: ObjCBool = false
                return FileManager.default.fileExists(atPath: $0, isDirectory: &d) && !d.boolValue
            }
    }

    /// The latest run's folder.
    var latestRun: String { file(".rig/runs/" + read(".rig/latest").trimmingCharacters(in: .whitespacesAndNewlines)) }

    /// How many times each line occurs in a ledger file.
    func ledger(_ name: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        for line in read(name).split(separator: "\n") { counts[String(line), default: 0] += 1 }
        return counts
    }
}

/// A workflow of local shell steps: `steps` of (id, needs, command).
func shellWorkflow(_ name: String, _ steps: [(id: String, needs: [String], run: String)], extra: [String: String] = [:]) -> String {
    var text = "name: \(name)\nsteps:\n"
    for step in steps {
        text += "  - id: \(step.id)\n    type: shell\n    on: local\n"
        if !step.needs.isEmpty { text += "    needs: [\(step.needs.joined(separator: ", "))]\n" }
        if let more = extra[step.id] { text += more }
        text += "    with:\n      run: '\(step.run.replacingOccurrences(of: "'", with: "''"))'\n"
    }
    return text
}
