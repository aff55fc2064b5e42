import Foundation
import RigTestSupport
import Testing

/// `rig init`: a folder a new user starts from, planned and run without further editing.
@Suite struct InitCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func theTatorTemplateExtendsACopyOfTheShippedWorkflowAndPlansAtOnce() throws {
        let scratch = try TemporaryDirectory("rig-init-tator")  // outside rig's checkout
        let rig = RigInDirectory(directory: scratch.url)
        let initialized = try rig("init", "lab")
        #expect(initialized.status == 0, "\(initialized.output)")
        for name in [
            "workflow.yaml", "workflows/tator-multinode.yaml", "inventory.yaml", "site.yaml", ".gitignore", ".rig/revisions.git/HEAD",
        ] {
            #expect(FileManager.default.fileExists(atPath: scratch.path("lab/\(name)").path), "\(name) missing")
        }
        let shipped = try Data(contentsOf: Self.root.appendingPathComponent("workflows/tator-multinode.yaml"))
        #expect(try Data(contentsOf: scratch.path("lab/workflows/tator-multinode.yaml")) == shipped)
        #expect(try String(contentsOf: scratch.path("lab/workflow.yaml"), encoding: .utf8).contains("extends: tator-multinode.yaml"))

        let plan = try rig("plan", "lab/workflow.yaml", "--inputs", "lab/site.yaml")
        #expect(plan.status == 0, "\(plan.output)")
        let steps = plan.stdout.split(separator: "\n").filter { $0.hasPrefix("  step ") }.map { $0.split(separator: " ")[1] }
        #expect(steps.first == "preflight" && steps.last == "build")
        let note = try #require(steps.firstIndex(of: "site-note"))
        #expect(steps.firstIndex(of: "label")! < note && note < steps.firstIndex(of: "values")!)
        #expect(plan.stdout.contains("step site-note (shell) on master1, worker1, worker2\n    from: workflow.yaml:"))
        #expect(!plan.output.contains("inventory.example.yaml"), "the base's own inventory must not be read")
    }

    @Test func aSecondInitKeepsEveryFileTheUserAlreadyHas() throws {
        let scratch = try TemporaryDirectory("rig-init-again")
        let rig = RigInDirectory(directory: scratch.url)
        try scratch.write("lab/workflow.yaml", "name: mine\n")
        try scratch.write("lab/.gitignore", "build/\n")
        let initialized = try rig("init", "lab")
        #expect(initialized.status == 0, "\(initialized.output)")
        #expect(!initialized.stdout.contains("Created workflow.yaml"))
        #expect(try String(contentsOf: scratch.path("lab/workflow.yaml"), encoding: .utf8) == "name: mine\n")
        #expect(try String(contentsOf: scratch.path("lab/.gitignore"), encoding: .utf8) == "build/\n.rig/\n*.secrets.yaml\nsecrets.yaml\n")
        let again = try rig("init", "lab")
        #expect(again.status == 0 && !again.stdout.contains("Created ") && again.stdout.contains("Revision store already at"))
    }

    @Test func theLocalTemplateRunsOnThisMachineAndRecordsTheFirstRevision() throws {
        let scratch = try TemporaryDirectory("rig-init-local")
        let rig = RigInDirectory(directory: scratch.url)
        #expect(try rig("init", "here", "--template", "local").status == 0)
        let run = try rig("run", "here/workflow.yaml", "--input", "workdir=\(scratch.path("out").path)")
        #expect(run.status == 0, "\(run.output)")
        #expect(try String(contentsOf: scratch.path("out/hello.txt"), encoding: .utf8) == "hello from here\n")
        #expect(run.output.contains("Recorded revision"))
    }
}
