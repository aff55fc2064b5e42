import Foundation
import RigKit
import RigModel
import RigSSH
import RigTestSupport

/// `rig-bench ssh`: remote steps against real sshd servers on loopback (the test fixture).
/// 1. The cost of one remote `true` on a warm connection through rig's SSH transport, with a
///    plain `ssh host true` that connects afresh for scale.
/// 2. N steps × H hosts through the engine, against the same playbook through ansible-core
///    (`ansible-playbook` from PATH or `--ansible PATH`; skipped when absent).
///
///   swift run -c release rig-bench ssh [--steps 100] [--hosts 3] [--warm-runs 200] [--ansible PATH]
enum SSHBenchmarks {
    struct Options {
        var steps = 100
        var hosts = 3
        var warmRuns = 200
        var ansible: String?
        /// Steps in the ansible playbook (default: as many as rig's); ansible is slow enough that
        /// a shorter playbook gives its per-task figure in reasonable time.
        var ansibleSteps: Int?
        var pipelining: [Bool] = [false, true]

        init(_ arguments: [String]) {
            var iterator = arguments.makeIterator()
            while let argument = iterator.next() {
                switch argument {
                case "--steps": steps = iterator.next().flatMap { Int($0) } ?? steps
                case "--hosts": hosts = min(8, iterator.next().flatMap { Int($0) } ?? hosts)
                case "--warm-runs": warmRuns = iterator.next().flatMap { Int($0) } ?? warmRuns
                case "--ansible": ansible = iterator.next()
                case "--ansible-steps": ansibleSteps = iterator.next().flatMap { Int($0) }
                case "--pipelining":
                    switch iterator.next() {
                    case "on": pipelining = [true]
                    case "off": pipelining = [false]
                    default: pipelining = [false, true]
                    }
                default:
                    print(
                        "usage: rig-bench ssh [--steps N] [--hosts H (≤ 8)] [--warm-runs N] [--ansible PATH-TO-ansible-playbook] [--ansible-steps N] [--pipelining on|off|both]"
                    )
                    exit(2)
                }
            }
            if ansible == nil {
                ansible = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
                    .map { "\($0)/ansible-playbook" }.first { FileManager.default.isExecutableFile(atPath: $0) }
            }
        }
    }

    static func main(_ arguments: [String]) {
        let options = Options(arguments)
        let fixture: SSHServerFixture
        do {
            fixture = try SSHServerFixture(count: options.hosts)
        } catch {
            say("rig-bench ssh: cannot start the test sshd servers: \(error)")
            exit(1)
        }
        defer { fixture.shutdown() }
        let work = Bench.temporaryDirectory("ssh")
        say(
            "rig-bench ssh: \(options.hosts) sshd servers on loopback (\(fixture.servers.map { "\($0.address):\($0.port)" }.joined(separator: ", ")))"
        )
        say("")

        let warm = warmOverhead(fixture, runs: options.warmRuns, work: work)
        say("== one remote `true` on a warm connection (median of \(options.warmRuns))")
        say(String(format: "rig SSH transport, warm master (wrapper, script on stdin): %7.2f ms", warm.rig * 1e3))
        say(String(format: "for scale: plain `ssh host true`, new connection each time: %7.2f ms", warm.bare * 1e3))
        say("")

        say("== \(options.steps) steps × \(options.hosts) hosts, each step `true` on every host, each step needing the previous")
        let rigSeconds = rigRun(fixture, steps: options.steps, work: work)
        let tasks = Double(options.steps * options.hosts)
        say(
            String(
                format: "rig (jobs %d, one task per host at once): %8.2f s   %7.2f ms per task", ExecutionOptions.defaultJobs, rigSeconds,
                rigSeconds * 1e3 / tasks))
        guard let ansible = options.ansible else {
            say("ansible-playbook not found (pip install ansible-core, or --ansible PATH): no comparison")
            return
        }
        let ansibleSteps = options.ansibleSteps ?? options.steps
        let ansibleTasks = Double(ansibleSteps * options.hosts)
        let rigPerTask = rigSeconds / tasks
        for pipelining in options.pipelining {
            guard let seconds = ansibleRun(ansible, fixture, steps: ansibleSteps, pipelining: pipelining, work: work) else { continue }
            say(
                String(
                    format:
                        "ansible-core (%d steps, forks 5, linear, pipelining %@): %8.2f s   %7.2f ms per task   rig is %.1f× faster per task",
                    ansibleSteps, pipelining ? "on " : "off", seconds, seconds * 1e3 / ansibleTasks, seconds / ansibleTasks / rigPerTask))
        }
    }

    /// Prints and flushes at once, so figures survive a bench stopped half-way.
    private static func say(_ line: String) {
        print(line)
        fflush(nil)
    }

    // MARK: - Warm overhead

    private static func warmOverhead(_ fixture: SSHServerFixture, runs: Int, work: String) -> (bare: Double, rig: Double) {
        let server = fixture.servers[0]
        let log = try! FileTaskLog(path: work + "/warm.log")
        // A master started through LocalTransport would not survive (it ends the command's whole
        // process group), so the comparison is a plain ssh that connects afresh each time.
        let common = [
            "ssh", "-F", fixture.sshConfigPath, "-o", "BatchMode=yes", "-o", "ControlMaster=no", "-o", "ControlPath=none", "-p",
            String(server.port),
        ]
        let bare = median((0..<min(runs, 50)).map { _ in time { _ = local(common + [server.address, "true"], log: log) } })

        let provider = SSHTransportProvider(options: SSHOptions(sshConfig: fixture.sshConfigPath))
        defer { provider.shutdown() }
        let transport = try! provider.transport(for: fixture.inventoryHost(0))
        func remoteTrue() {
            let result = try? transport.run(
                CommandRequest(command: Command("true"), log: log, collectOutputs: false), cancellation: CancellationToken())
            guard result?.exitCode == 0 else {
                print("rig-bench ssh: a remote `true` failed; see \(work)/warm.log")
                exit(1)
            }
        }
        remoteTrue()
        let rig = median((0..<runs).map { _ in time(remoteTrue) })
        return (bare, rig)
    }

    /// Runs a command line on this machine (words, no shell); returns its exit status.
    private static func local(_ words: [String], log: any TaskLog) -> Int32 {
        let script = words.map(shellWord).joined(separator: " ")
        let result = try? LocalTransport().run(
            CommandRequest(command: Command(script), log: log, collectOutputs: false), cancellation: CancellationToken())
        return result?.exitCode ?? -1
    }

    private static func shellWord(_ word: String) -> String {
        word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:@".contains($0) }
            ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    // MARK: - Many steps through rig

    private static func rigRun(_ fixture: SSHServerFixture, steps count: Int, work: String) -> Double {
        let inventory = Inventory(hosts: fixture.inventoryHosts)
        let steps = (0..<count).map { i in
            Step(
                id: "s\(i)", type: "shell", needs: i == 0 ? [] : ["s\(i - 1)"], on: ["all"],
                with: .map(["run": .template(Template(literal: "true"))], nil))
        }
        let workflow = Workflow(name: "ssh-bench", inventory: inventory, steps: steps)
        let start = ContinuousClock.now
        let provider = SSHTransportProvider(options: SSHOptions(sshConfig: fixture.sshConfigPath))
        let graph = try! TaskGraph(workflow: workflow, hostsForStep: { TargetResolver.hosts(for: $0, in: inventory) })
        let executor = Executor(
            graph: graph, workflow: workflow, registry: .builtIns, transports: provider,
            preparer: LiteralTaskPreparer(inventory: inventory),
            options: ExecutionOptions(logDirectory: Bench.temporaryDirectory("ssh-rig-logs")))
        let summary = executor.run()
        provider.shutdown()
        let seconds = (ContinuousClock.now - start).seconds
        guard summary.status == .succeeded else {
            print("rig-bench ssh: the rig run failed: \(summary.failedTasks.prefix(3).map { "\($0): \(summary.outcomes[$0]!)" })")
            exit(1)
        }
        return seconds
    }

    // MARK: - The same through ansible-core

    private static func ansibleRun(_ ansible: String, _ fixture: SSHServerFixture, steps: Int, pipelining: Bool, work: String) -> Double? {
        let dir = Bench.temporaryDirectory("ansible")
        var inventory = "[bench]\n"
        for server in fixture.servers {
            inventory += "\(server.name) ansible_host=\(server.address) ansible_port=\(server.port) ansible_user=\(fixture.user)\n"
        }
        inventory += "\n[bench:vars]\nansible_python_interpreter=/usr/bin/python3\n"
        inventory += "ansible_ssh_common_args='-F \(fixture.sshConfigPath)'\n"
        var playbook = "- hosts: bench\n  gather_facts: false\n  tasks:\n"
        for i in 0..<steps { playbook += "    - name: step \(i)\n      command: /bin/true\n" }
        let config = """
            [defaults]
            forks = 5
            host_key_checking = True
            retry_files_enabled = False
            stdout_callback = default
            local_tmp = \(dir)/local-tmp
            [ssh_connection]
            pipelining = \(pipelining ? "True" : "False")
            control_path_dir = \(dir)/cp

            """
        try! inventory.write(toFile: dir + "/inventory.ini", atomically: true, encoding: .utf8)
        try! playbook.write(toFile: dir + "/playbook.yml", atomically: true, encoding: .utf8)
        try! config.write(toFile: dir + "/ansible.cfg", atomically: true, encoding: .utf8)
        let log = try! FileTaskLog(path: dir + "/ansible.log")
        var command = Command(
            "ANSIBLE_CONFIG=\(shellWord(dir + "/ansible.cfg")) \(shellWord(ansible)) -i inventory.ini playbook.yml", workingDirectory: dir)
        command.environment["HOME"] = dir
        var status: Int32 = -1
        let seconds = time {
            status =
                (try? LocalTransport().run(
                    CommandRequest(command: command, log: log, collectOutputs: false), cancellation: CancellationToken()))?.exitCode ?? -1
        }
        guard status == 0 else {
            print("ansible-playbook failed (status \(status)); see \(dir)/ansible.log")
            return nil
        }
        return seconds
    }

    // MARK: - Timing

    private static func time(_ body: () -> Void) -> Double {
        let start = ContinuousClock.now
        body()
        return (ContinuousClock.now - start).seconds
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
