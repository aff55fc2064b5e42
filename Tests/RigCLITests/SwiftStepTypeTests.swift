import Foundation
import RigCLI
import RigKit
import RigModel
import Testing

/// docs/examples/swift-step-type's `MarkerStep` (Examples/MarkerStep.swift is a link to it, so
/// the example is compiled here), registered through the public API only (no @testable), as the
/// example's main.swift does, and run through the CLI library.
@Suite(.serialized) struct SwiftStepTypeTests {
    static func registry() -> StepTypeRegistry {
        var registry = StepTypeRegistry.standard
        registry.register(MarkerStep(), origin: .swift("LabSteps"))
        return registry
    }

    @Test func aSwiftRegisteredTypeValidatesAndPlansThroughTheCLIAndRuns() throws {
        let folder = NSTemporaryDirectory() + "rig-swift-step-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let marker = folder + "/marker.txt"
        let workflow = folder + "/w.yaml"
        try """
        steps:
          - id: mark
            type: lab.marker
            with: {path: \(marker), text: from the lab}
        """.write(toFile: workflow, atomically: true, encoding: .utf8)

        #expect(RigCLI.run(stepTypes: Self.registry(), arguments: ["validate", workflow]) == 0)
        // The standard registry does not know the type: the same file is invalid input (exit 2).
        #expect(RigCLI.run(stepTypes: .standard, arguments: ["validate", workflow]) == 2)
        #expect(RigCLI.run(stepTypes: Self.registry(), arguments: ["plan", workflow]) == 0)
        // `rig run` installs a process-wide SIGINT trap, which would race the executor's own
        // signal tests in this shared test process; the run goes through the engine instead.
        let loaded = try WorkflowLoader(registry: Self.registry()).load(workflowAt: workflow)
        let summary = try Executor(
            graph: TaskGraph(workflow: loaded, hostsForStep: { TargetResolver.hosts(for: $0, in: loaded.inventory) }),
            workflow: loaded, registry: Self.registry(), transports: LocalTransportProvider(),
            preparer: WorkflowTaskPreparer(workflow: loaded, inputs: [:], secrets: SecretValues(), registry: Self.registry(), runID: nil),
            options: ExecutionOptions(logDirectory: folder + "/logs")
        ).run()
        #expect(summary.status == .succeeded)
        #expect((try? String(contentsOfFile: marker, encoding: .utf8)) == "from the lab\n")

        try "steps:\n  - id: mark\n    type: lab.marker\n    with: {path: relative.txt}\n".write(
            toFile: workflow, atomically: true, encoding: .utf8)
        #expect(RigCLI.run(stepTypes: Self.registry(), arguments: ["validate", workflow]) == 2)
    }

    @Test func stepsListsASwiftTypeWithItsOrigin() {
        let entry = Self.registry().entry(named: "lab.marker")
        #expect(entry?.origin == .swift("LabSteps"))
        #expect(entry?.origin.description == "swift (LabSteps)")
        #expect(RigCLI.run(stepTypes: Self.registry(), arguments: ["steps", "lab.marker"]) == 0)
    }
}
