import Foundation
import RigVersioning
import Testing

@testable import RigCLI

/// A revision's workflow is loaded from the store to describe it, away from the files its
/// inventory names on the machine that ran it.
@Suite struct RevisionSummaryTests {
    static func files(steps: [String]) -> [(path: String, content: Data)] {
        let workflow =
            """
            name: site
            hosts:
              defaults: {ssh_config: ssh_config}
              hosts:
                - {name: master1, address: 10.0.0.1}
            steps:

            """
            + steps.map { "  - {id: \($0), type: shell, on: master1, with: {run: \"true\"}}\n" }.joined()
        return [("workflow.yaml", Data(workflow.utf8))]
    }

    @Test func anInventorysSSHConfigMissingFromTheRevisionStillGivesTheSemanticSummary() {
        let load = { (files: [(path: String, content: Data)]) in
            try RevisionWorkflow().load(files, workflowFile: "workflow.yaml")
        }
        let first = RevisionSummary.line(previous: nil, current: Self.files(steps: ["a"]), load: load)
        #expect(first == "Initial revision of site: 1 step, 1 host")
        let second = RevisionSummary.line(
            previous: Self.files(steps: ["a"]), current: Self.files(steps: ["a", "banner"]), load: load)
        #expect(second.contains("add step banner"), "\(second)")
    }
}
