import Foundation
import OrderedCollections
import RigKit
import RigModel
import Testing

@testable import TatorSteps

@Suite struct CheckoutSourceTests {
    @Test func uploadsALocalFolderAsATarArchiveAndSkipsTheSameSourceByDigest() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rig-tator-src-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("helm/tator"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "cluster:\n\techo built\n".write(to: folder.appendingPathComponent("Makefile"), atomically: true, encoding: .utf8)
        try "domain: &domain localhost\n".write(
            to: folder.appendingPathComponent("helm/tator/values-devExample.yaml"), atomically: true, encoding: .utf8)

        let step = CheckoutStep()
        let with: OrderedDictionary<String, Value> = ["source": .string(folder.path)]
        var digest = ""
        let ctx = FakeContext(taskHost: "master1") { _, script in
            if script.hasPrefix("grep -qxF") { return .init(exitCode: 1) }
            return .init()
        }
        let result = try step.execute(Fixtures.invocation("checkout", step, host: "master1", with: with, mode: .execute), context: ctx)
        #expect(result.status == .changed)
        let upload = try #require(ctx.uploads.first).file
        #expect(upload.path == CheckoutStep.uploadPath && upload.mode == 0o600)
        // The upload is a real tar archive holding the folder's files.
        let tarball = folder.deletingLastPathComponent().appendingPathComponent("rig-check-\(UUID().uuidString).tar")
        try Data(upload.content).write(to: tarball)
        defer { try? FileManager.default.removeItem(at: tarball) }
        let (status, listing) = try Bash.run(["tar", "-tf", tarball.path])
        #expect(status == 0)
        #expect(listing.contains("./Makefile") && listing.contains("./helm/tator/values-devExample.yaml"))
        digest = try #require(ctx.ran.first?.command.script.split(separator: " ").dropFirst(2).first.map(String.init))
        #expect(digest.count == 64)

        let done = FakeContext(taskHost: "master1") { _, _ in .init() }
        let again = try step.execute(Fixtures.invocation("checkout", step, host: "master1", with: with, mode: .execute), context: done)
        #expect(again.status == .ok)
        #expect(done.uploads.isEmpty)
    }

    @Test func reportsAMissingSource() {
        let step = CheckoutStep()
        let ctx = FakeContext(taskHost: "master1") { _, _ in .init() }
        #expect(throws: StepFailure.self) {
            try step.execute(
                Fixtures.invocation("checkout", step, host: "master1", with: ["source": .string("/nonexistent/tator")], mode: .execute),
                context: ctx)
        }
    }
}

@Suite struct CheckoutValidationTests {
    @Test func aMissingTatorSourceIsALoadTimeError() {
        let step = Step(
            id: "checkout", type: "tator.checkout", on: ["master"],
            with: .map(["source": .template(Template(literal: "/nonexistent/tator-src"))], nil))
        let context = ValidationContext(workflow: Workflow(name: "t", inventory: Fixtures.inventory, steps: [step])) { node in
            if case .template(let t) = node { return .string(t.source) }
            return nil
        }
        let found = CheckoutStep().validate(step, context: context)
        #expect(found.map(\.severity) == [.error])
        #expect(found.first?.message.contains("/nonexistent/tator-src") == true)
    }
}

@Suite struct CheckoutGitCheckTests {
    @Test func theCheckFailsWhileNothingIsCheckedOut() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("rig-no-tator-\(UUID().uuidString)").path
        let step = CheckoutStep()
        let plan = try step.plan(
            Fixtures.invocation("checkout", step, host: "master1", with: ["tatorDir": .string(missing)], mode: .execute))
        let (status, _) = try Bash.run(["bash", "-c", try #require(plan.check).script])
        #expect(status == 1)
    }
}
