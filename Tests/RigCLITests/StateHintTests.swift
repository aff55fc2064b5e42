import Foundation
import Testing

/// Every state and revision-store error whose message suggests a command: the error is provoked
/// through the built `rig`, each command between backticks is pasted into `sh` (with the test's
/// workflow for `FILE`), and it must do what the message says.
@Suite struct StateHintTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        /// Prepares the folder; returns the rig arguments that provoke the error.
        var setup: @Sendable (TestFolder) throws -> [String]
        var status: Int32
        /// Words the message must contain.
        var mentions: [String]
        /// Checks the folder after the hinted commands ran.
        var after: @Sendable (TestFolder) -> Void
        var testDescription: String { name }
    }

    static func twoSteps(_ dir: TestFolder) {
        dir.write("w.yaml", shellWorkflow("two", [("a", [], "echo a >> ledger"), ("b", ["a"], "echo b >> ledger")]))
    }

    static func run(_ dir: TestFolder, _ arguments: String...) {
        let result = RigProcess.run(arguments, in: dir.path)
        #expect(result.status == 0, "\(arguments): \(result.output)")
    }

    static func expectSucceeds(_ dir: TestFolder, _ arguments: String...) {
        let result = RigProcess.run(arguments, in: dir.path)
        #expect(result.status == 0, "after the hint, \(arguments) still fails: \(result.output)")
    }

    static var store: String { ".rig/revisions.git" }

    static let cases: [Case] = [
        Case(
            name: "journal damaged in the middle",
            setup: { dir in
                dir.write("w.yaml", shellWorkflow("two", [("a", [], "echo a >> ledger"), ("b", ["a"], "echo b >> ledger; test -f flag")]))
                #expect(RigProcess.run(["run", "w.yaml"], in: dir.path).status == 1)
                dir.write("flag", "")
                let journal = dir.latestRun + "/journal"
                var bytes = [UInt8](FileManager.default.contents(atPath: journal) ?? Data())
                bytes[16 + 12 + 3] ^= 0x5a
                try Data(bytes).write(to: URL(fileURLWithPath: journal))
                return ["resume"]
            }, status: 4, mentions: ["is damaged at record 0"],
            after: { dir in #expect(dir.ledger("ledger") == ["a": 2, "b": 2]) }),
        Case(
            name: "unknown run",
            setup: { dir in
                twoSteps(dir)
                run(dir, "run", "w.yaml")
                return ["resume", "20200101T000000Z-0000"]
            }, status: 4, mentions: ["no run 20200101T000000Z-0000"], after: { _ in }),
        Case(
            name: "no runs yet",
            setup: { dir in
                twoSteps(dir)
                return ["status", "w.yaml"]
            }, status: 4, mentions: ["no runs recorded"], after: { dir in expectSucceeds(dir, "status", "w.yaml") }),
        Case(
            name: "run.json deleted",
            setup: { dir in
                twoSteps(dir)
                run(dir, "run", "w.yaml")
                run(dir, "resume", "--force", "a")
                unlink(dir.latestRun + "/run.json")
                return ["status"]
            }, status: 4, mentions: ["run.json is missing"],
            after: { dir in
                expectSucceeds(dir, "status")
                expectSucceeds(dir, "runs")
            }),
        Case(
            name: "no revision store",
            setup: { dir in
                twoSteps(dir)
                return ["history"]
            }, status: 2, mentions: ["no revision store"], after: { dir in expectSucceeds(dir, "history") }),
        Case(
            name: "no revisions yet",
            setup: { dir in
                twoSteps(dir)
                run(dir, "init", "--template", "local", ".")
                return ["show", "HEAD"]
            }, status: 2, mentions: ["has no revisions yet"], after: { dir in expectSucceeds(dir, "show", "HEAD") }),
        Case(
            name: "store damaged",
            setup: { dir in
                twoSteps(dir)
                run(dir, "run", "w.yaml")
                let head = dir.read(store + "/refs/heads/main").trimmingCharacters(in: .whitespacesAndNewlines)
                unlink(dir.file("\(store)/objects/\(head.prefix(2))/\(head.dropFirst(2))"))
                return ["history"]
            }, status: 4, mentions: ["is damaged"],
            after: { dir in
                expectSucceeds(dir, "history")
                expectSucceeds(dir, "run", "w.yaml")
            }),
        Case(
            name: "HEAD on another branch",
            setup: { dir in
                twoSteps(dir)
                run(dir, "run", "w.yaml")
                dir.write(store + "/HEAD", "ref: refs/heads/elsewhere\n")
                return ["history"]
            }, status: 4, mentions: ["points to refs/heads/elsewhere"], after: { dir in expectSucceeds(dir, "history") }),
        Case(
            name: "garbage in HEAD",
            setup: { dir in
                twoSteps(dir)
                run(dir, "run", "w.yaml")
                dir.write(store + "/HEAD", "garbage garbage\n")
                return ["history"]
            }, status: 4, mentions: ["is not a reference"], after: { dir in expectSucceeds(dir, "history") }),
        Case(
            name: "unknown revision",
            setup: { dir in
                twoSteps(dir)
                run(dir, "run", "w.yaml")
                return ["show", "nope"]
            }, status: 2, mentions: ["unknown revision 'nope'"], after: { _ in }),
        Case(
            name: "file not in revision",
            setup: { dir in
                twoSteps(dir)
                run(dir, "run", "w.yaml")
                return ["show", "HEAD:nofile"]
            }, status: 2, mentions: ["has no file 'nofile'"], after: { _ in }),
    ]

    /// The commands between backticks in `message`.
    static func commands(in message: String) -> [String] {
        let parts = message.split(separator: "`", omittingEmptySubsequences: false)
        return stride(from: 1, to: parts.count - 1, by: 2).map { String(parts[$0]) }
            .filter { command in ["rig ", "git ", "mv ", "cd ", "printf "].contains(where: command.hasPrefix) }
    }

    @Test(arguments: cases)
    func theSuggestedCommandsWorkWhenPasted(_ hint: Case) throws {
        let dir = TestFolder()
        let arguments = try hint.setup(dir)
        let refused = RigProcess.run(arguments, in: dir.path)
        #expect(refused.status == hint.status, "\(refused.output)")
        for word in hint.mentions { #expect(refused.stderr.contains(word), "\(refused.stderr)") }
        let commands = Self.commands(in: refused.stderr)
        #expect(!commands.isEmpty, "no command in: \(refused.stderr)")
        for command in commands {
            let pasted = command.replacingOccurrences(of: "FILE", with: "w.yaml")
            let result = StateHonestyTests.sh(pasted, in: dir.path)
            if pasted.hasSuffix(" fsck") {
                #expect(result.status != 127 && !result.output.isEmpty, "`\(pasted)` inspects nothing: \(result.output)")
            } else {
                #expect(result.status == 0, "`\(pasted)` failed: \(result.output)")
            }
        }
        hint.after(dir)
    }
}
