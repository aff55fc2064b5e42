import Foundation
import RigTestSupport
import Testing

@testable import RigVersioning

@Suite struct PatchTests {
    @Test func patchBetweenRevisionsIsAGitStyleUnifiedDiff() throws {
        let fixture = try StoreFixture()
        try fixture.commit(["workflow.yaml": "name: demo\nsteps: []\n", "gone.yaml": "x\n"])
        try fixture.commit(["workflow.yaml": "name: demo2\nsteps: []\n", "new.yaml": "y\n"])

        let patch = try fixture.store.patch(from: "HEAD~1", to: "HEAD")
        #expect(patch.contains("diff --git a/workflow.yaml b/workflow.yaml"))
        #expect(patch.contains("-name: demo\n+name: demo2\n steps: []\n"))
        #expect(patch.contains("diff --git a/gone.yaml b/gone.yaml\ndeleted file mode 100644"))
        #expect(patch.contains("diff --git a/new.yaml b/new.yaml\nnew file mode 100644"))
        let changedLines = { (text: String) in
            text.split(separator: "\n").filter { ($0.hasPrefix("+") || $0.hasPrefix("-")) }.map(String.init)
        }
        #expect(changedLines(patch) == changedLines(try fixture.git("diff", "HEAD~1", "HEAD")))
        #expect(try fixture.store.patch(from: "HEAD", to: "HEAD").isEmpty)
    }

    @Test func patchAgainstUnrecordedFilesWritesNothing() throws {
        let fixture = try StoreFixture()
        try fixture.commit(["workflow.yaml": "a\nb\n", "gone.yaml": "x\n"])
        let objectsBefore = try fixture.git("count-objects", "-v")

        let patch = try fixture.store.patch(
            from: "HEAD", toFiles: [(path: "workflow.yaml", content: data("a\nc\n")), (path: "added.yaml", content: data("new\n"))])

        #expect(patch.contains("--- a/workflow.yaml\n+++ b/workflow.yaml\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n"))
        #expect(patch.contains("+++ b/added.yaml") && patch.contains("+new"))
        #expect(patch.contains("--- a/gone.yaml") && patch.contains("-x"))
        #expect(try fixture.git("count-objects", "-v") == objectsBefore)
    }
}
