import Foundation
import Testing

/// Hostile workflow files are refused by `rig validate` (and so never reach a run) with a located
/// error, in bounded memory: rig runs as a child under an address-space and CPU limit, so a
/// regression shows as a signal instead of taking the machine down.
@Suite struct BoundedInputTests {
    /// Anchors nesting nine aliases nine levels deep: 9^9 (387 million) scalars once expanded.
    static let aliasBomb = """
        name: bomb
        a: &a [x,x,x,x,x,x,x,x,x]
        b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
        c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
        d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
        e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
        f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
        g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
        h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
        i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
        steps:
          - id: s
            type: shell
            on: local
            with:
              run: echo hi
              extra: *i

        """

    @Test func anAliasBombIsRefusedAtTheAliasThatCrossesTheBudgetInLittleMemory() {
        let folder = TestFolder()
        folder.write("bomb.yaml", Self.aliasBomb)
        let result = LimitedRig.run(["validate", "bomb.yaml"], in: folder.path)
        #expect(result.status == 2, "\(result.output)")
        // Aliases add 90, 819, 7,380 and 66,429 nodes on lines 3 to 6; the first `*e` (line 7, column 8) crosses 100,000.
        #expect(result.output.contains("bomb.yaml:7:8: error: YAML aliases expand to more than 100000 nodes"), "\(result.output)")
        #expect(result.output.contains("docs/workflow-format.md, Limits"))
        #expect(result.peakRSSKiB < 200 * 1024, "peak RSS \(result.peakRSSKiB) KiB")

        let run = LimitedRig.run(["run", "bomb.yaml"], in: folder.path)
        #expect(run.status == 2, "\(run.output)")
    }

    @Test func aWhenOfAHundredThousandTermsIsRefusedByValidateAndRun() {
        let folder = TestFolder()
        folder.write("wf.yaml", Self.workflow(when: "true" + String(repeating: " || true", count: 100_000)))
        for command in ["validate", "run"] {
            let result = LimitedRig.run([command, "wf.yaml"], in: folder.path)
            #expect(result.status == 2, "\(command): \(result.output.prefix(500))")
            #expect(
                result.output.contains("wf.yaml:5:11: error: the expression is 800004 characters long, more than the limit of 10000"),
                "\(command): \(result.output.prefix(500))")
        }
    }

    @Test func aWhenOfThirtyThousandTermsNeverReachesTheRun() {
        let folder = TestFolder()
        folder.write("wf.yaml", Self.workflow(when: "false" + String(repeating: " || false", count: 30_000) + " || true"))
        let result = LimitedRig.run(["run", "wf.yaml"], in: folder.path)
        #expect(result.status == 2, "\(result.output.prefix(500))")
        #expect(result.output.contains("wf.yaml:5:11: error: the expression is"))
        #expect(!folder.read("ran").contains("yes"))
    }

    @Test func aChainOfMoreThan256OperatorsIsRefusedAtTheOperatorThatCrossesTheLimit() {
        let folder = TestFolder()
        folder.write("wf.yaml", Self.workflow(when: "true" + String(repeating: " || true", count: 1_000)))
        let result = LimitedRig.run(["validate", "wf.yaml"], in: folder.path)
        #expect(result.status == 2, "\(result.output.prefix(500))")
        // `when: ` ends at column 10; the 257th `||` starts 4 + 256 * 8 + 1 characters later.
        #expect(result.output.contains("wf.yaml:5:2064: error: the expression chains more than 256 operators and filters"))

        folder.write("ok.yaml", Self.workflow(when: "false" + String(repeating: " || false", count: 255) + " || true"))
        let run = LimitedRig.run(["run", "ok.yaml"], in: folder.path)
        #expect(run.status == 0, "\(run.output.prefix(500))")
        #expect(folder.read("ran") == "yes\n")
    }

    @Test func thirtyThousandFiltersAreRefusedByValidateAndRun() {
        let folder = TestFolder()
        folder.write(
            "wf.yaml",
            """
            name: w
            steps:
              - id: s
                type: shell
                on: local
                with:
                  run: echo ${{ workflow.name\(String(repeating: " | lower", count: 30_000)) }} > ran

            """)
        for command in ["validate", "run"] {
            let result = LimitedRig.run([command, "wf.yaml"], in: folder.path)
            #expect(result.status == 2, "\(command): \(result.output.prefix(500))")
            #expect(result.output.contains("wf.yaml:7:17: error: the expression is 240015 characters long"), "\(result.output.prefix(500))")
        }
    }

    @Test func aStepIdTooLongForALogFileNameIsRefusedWhereItIsWritten() {
        let folder = TestFolder()
        let id = String(repeating: "a", count: 250)
        folder.write("wf.yaml", "name: w\nsteps:\n  - id: \(id)\n    type: shell\n    on: local\n    with: {run: echo yes > ran}\n")
        for command in ["validate", "run"] {
            let result = LimitedRig.run([command, "wf.yaml"], in: folder.path)
            #expect(result.status == 2, "\(command): \(result.output)")
            #expect(
                result.output.contains(
                    "wf.yaml:3:9: error: the step id 'aaaaaaaaaaaaaaaaaaaa...' is 250 bytes long, more than the limit of 100"),
                "\(result.output)")
        }
        #expect(folder.read("ran").isEmpty)

        let longest = String(repeating: "b", count: 100)
        folder.write("ok.yaml", "name: w\nsteps:\n  - id: \(longest)\n    type: shell\n    on: local\n    with: {run: echo yes > ran}\n")
        let run = LimitedRig.run(["run", "ok.yaml"], in: folder.path)
        #expect(run.status == 0, "\(run.output)")
        #expect(folder.read("ran") == "yes\n")
    }

    @Test func aHostNameAndAnInputNameTooLongAreRefused() {
        let folder = TestFolder()
        let long = String(repeating: "h", count: 101)
        folder.write(
            "wf.yaml",
            """
            name: w
            inputs:
              \(long): {type: string, default: x}
            hosts:
              - {name: \(long), address: 192.0.2.1}
            steps:
              - {id: s, type: noop}

            """)
        let result = LimitedRig.run(["validate", "wf.yaml"], in: folder.path)
        #expect(result.status == 2, "\(result.output)")
        #expect(result.output.contains("the input name 'hhhhhhhhhhhhhhhhhhhh...' is 101 bytes long, more than the limit of 100"))
        #expect(result.output.contains("the host name 'hhhhhhhhhhhhhhhhhhhh...' is 101 bytes long, more than the limit of 100"))
    }

    @Test func extendingAFileThatIsNotAWorkflowQuotesNothingFromIt() {
        let folder = TestFolder()
        let shadows = [
            "root:$6$SECRETHASH:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n",
            "root: $6$SECRETHASH\nroot: x\n",
            "SECRETHASH\n",
            "- root:$6$SECRETHASH\n",
            "root: &SECRETHASH [x]\nr: [*SECRETHASH, *SECRETHASH]\n",
        ]
        for (i, shadow) in shadows.enumerated() {
            folder.write("shadow\(i)", shadow)
            folder.write("wf\(i).yaml", "name: w\nextends: shadow\(i)\nsteps: []\n")
            let result = LimitedRig.run(["validate", "wf\(i).yaml"], in: folder.path)
            #expect(result.status == 2, "\(result.output)")
            #expect(!result.output.contains("SECRETHASH"), "\(result.output)")
            #expect(result.output.contains("wf\(i).yaml:2:10: error: '"), "\(result.output)")
            #expect(result.output.contains("shadow\(i)' (extends) is not a workflow: it is a"), "\(result.output)")

            let direct = LimitedRig.run(["validate", "shadow\(i)"], in: folder.path)
            #expect(direct.status == 2, "\(direct.output)")
            #expect(!direct.output.contains("SECRETHASH"), "\(direct.output)")
        }
    }

    @Test func anInventoryFileThatIsNotAnInventoryQuotesNothingFromIt() {
        let folder = TestFolder()
        folder.write("shadow", "root:$6$SECRETHASH:19000:0:99999:7:::\n")
        folder.write("shadowlist", "- root:$6$SECRETHASH:19000\n")
        for (name, shape) in [("shadow", "a map without 'hosts' or 'defaults'"), ("shadowlist", "a list without any host map")] {
            folder.write("wf.yaml", "name: w\nhosts: \(name)\nsteps: [{id: s, type: noop}]\n")
            let named = LimitedRig.run(["validate", "wf.yaml"], in: folder.path)
            #expect(named.status == 2, "\(named.output)")
            #expect(!named.output.contains("SECRETHASH"), "\(named.output)")
            #expect(named.output.contains("wf.yaml:2:8: error: '"), "\(named.output)")
            #expect(named.output.contains("\(name)' is not an inventory: it is \(shape)"), "\(named.output)")

            folder.write("plain.yaml", "name: w\nsteps: [{id: s, type: noop}]\n")
            let given = LimitedRig.run(["validate", "plain.yaml", "--inventory", name], in: folder.path)
            #expect(given.status == 2, "\(given.output)")
            #expect(!given.output.contains("SECRETHASH"), "\(given.output)")
        }
    }

    static func workflow(when condition: String) -> String {
        "name: w\nsteps:\n  - id: s\n    type: shell\n    when: \(condition)\n    on: local\n    with: {run: echo yes > ran}\n"
    }
}

/// `rig` run under `prlimit` (2 GiB of address space, 120 s of CPU), with its peak RSS as GNU
/// time measures it. Not from our own wait4: posix_spawn starts the child on this test process's
/// memory (vfork), and Linux carries that image's RSS high-water mark into the child's ru_maxrss.
enum LimitedRig {
    struct Result {
        var status: Int32
        var output: String
        var peakRSSKiB: Int
    }

    static func run(_ arguments: [String], in directory: String) -> Result {
        let out = directory + "/.limited-rig-\(UUID().uuidString.prefix(8))"
        let rss = out + ".rss"
        defer {
            unlink(out)
            unlink(rss)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // prlimit and env exec in place, so the waited process is rig itself.
        let argv =
            ([
                "/usr/bin/time", "-f", "%M", "-o", rss,
                "/usr/bin/prlimit", "--as=2147483648", "--cpu=120", "--", "/usr/bin/env", "-C", directory, RigProcess.executable,
            ] + arguments).map { strdup($0) } + [nil]
        let env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("RIG_SECRET_") }
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/usr/bin/time", &actions, nil, argv, envp) == 0 else {
            return Result(status: -1, output: "cannot start /usr/bin/time", peakRSSKiB: 0)
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // time exits with rig's status, or 128 + the signal that ended it.
        let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        // The figure is the file's last line (after "Command exited with non-zero status N").
        let measured = (try? String(contentsOfFile: rss, encoding: .utf8))?.split(separator: "\n").last.flatMap { Int($0) }
        return Result(
            status: code, output: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "", peakRSSKiB: measured ?? Int.max)
    }
}
