import Foundation
import Testing

/// Limits on `wait` intervals and inventory fields, checked by `rig validate` run as a user runs it.
@Suite struct SmallLimitsTests {
    @Test func aWaitIntervalUnder100msIsRefusedWhereItIsWritten() {
        let folder = TestFolder()
        folder.write(
            "wf.yaml",
            """
            name: w
            steps:
              - id: poll
                type: wait
                with:
                  until: "true"
                  interval: 0s

            """)
        let result = RigProcess.run(["validate", "wf.yaml"], in: folder.path)
        #expect(result.status == 2)
        #expect(result.output.contains("wf.yaml:7:17"))
        #expect(result.output.contains("step 'poll': `interval` is 0ms, shorter than the minimum of 100ms"))

        folder.write("ok.yaml", "name: w\nsteps:\n  - {id: poll, type: wait, with: {until: 'true', interval: 100ms}}\n")
        #expect(RigProcess.run(["validate", "ok.yaml"], in: folder.path).status == 0)
    }
}
