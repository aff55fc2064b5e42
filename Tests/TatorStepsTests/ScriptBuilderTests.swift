import Foundation
import Testing

@testable import TatorSteps

/// The generated check and apply scripts, run by the real bash on files in a temporary folder.
@Suite struct ScriptBuilderTests {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rig-script-\(UUID().uuidString)").path

    func ensures() -> [Ensure] {
        [
            .file("\(dir)/conf/settings.conf", content: "a = 1\nb = 'two'\n"),
            Ensure("the marker exists", check: "[ -f \(dir)/marker ]", apply: "touch \(dir)/marker"),
        ]
    }

    @Test func checkFailsUntilApplyMakesEveryConditionTrueAndApplyIsThenANoOp() throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let check = ScriptBuilder.check(ensures())
        let apply = ScriptBuilder.apply(ensures())
        #expect(try Bash.run(["bash", "-c", check]).0 == 1)
        let (status, output) = try Bash.run(["bash", "-c", apply])
        #expect(status == 0, "\(output)")
        #expect(output.contains("rig: making sure the marker exists"))
        #expect(try String(contentsOfFile: "\(dir)/conf/settings.conf", encoding: .utf8) == "a = 1\nb = 'two'\n")
        #expect(try Bash.run(["bash", "-c", check]).0 == 0)
        let (again, secondOutput) = try Bash.run(["bash", "-c", apply])
        #expect(again == 0)
        #expect(!secondOutput.contains("making sure"), "a second apply changed something: \(secondOutput)")
    }

    @Test func everyTestOfAConditionCountsNotJustTheLast() throws {
        let failingFirst = Ensure("both hold", checks: ["false", "true"], apply: "true")
        #expect(try Bash.run(["bash", "-c", ScriptBuilder.check([failingFirst])]).0 == 1)
        let passing = Ensure("both hold", checks: ["true", "[ 1 = 1 ]"], apply: "false")
        #expect(try Bash.run(["bash", "-c", ScriptBuilder.check([passing])]).0 == 0)
    }

    @Test func applyFailsWithTheConditionsNameWhenApplyingDidNotWork() throws {
        let stubborn = Ensure("the impossible is done", check: "false", apply: "true")
        let (status, output) = try Bash.run(["bash", "-c", ScriptBuilder.apply([stubborn])])
        #expect(status == 1)
        #expect(output.contains("rig: error: the impossible is done: still not so after applying it"))
    }

    @Test func scriptsIncludeOnlyTheHelpersTheyUse() {
        let script = ScriptBuilder.script("rig_node_ready master")
        #expect(script.contains("rig_node_ready() {"))
        #expect(!script.contains("rig_apt() {"))
        #expect(ScriptBuilder.script("rig_wait 5 x true").contains("rig_wait() {"))
    }

    @Test func quotingKeepsHostileTextLiteral() throws {
        let hostile = #"a b'c"d$(touch /tmp/rig-pwned)`x`\n;|&"#
        let (status, output) = try Bash.run(["bash", "-c", "printf '%s' \(Shell.quote(hostile))"])
        #expect(status == 0)
        #expect(output == hostile)
        #expect(Shell.quote("192.168.1.0/24") == "192.168.1.0/24")
        #expect(Shell.quote("") == "''")
        let doc = Shell.heredoc("cat", "line with RIG_EOF inside\n$HOME `x`\n")
        #expect(try Bash.run(["bash", "-c", doc]).1 == "line with RIG_EOF inside\n$HOME `x`\n")
    }
}
