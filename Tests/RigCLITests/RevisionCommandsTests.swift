import Foundation
import RigTestSupport
import Testing

/// `rig init`, `run`, `history`, `diff`, `show`, `tag` and `run --revision` through the built
/// executable, checked against what the git CLI reads from the store.
@Suite struct RevisionCommandsTests {
    /// A user's git repository with a workflow folder `deploy/` made by `rig init` and committed.
    final class UserRepository {
        let root: TemporaryDirectory
        /// Where the workflow's steps write, outside the user's repository.
        let scratch: TemporaryDirectory
        let folder: URL
        let rig: RigInDirectory
        var storePath: String { folder.appendingPathComponent(".rig/revisions.git").path }
        var output: String { scratch.path("out").path }

        init() throws {
            root = try TemporaryDirectory("rig-cli-revisions")
            scratch = try TemporaryDirectory("rig-cli-scratch")
            try git("init", "-q", "-b", "trunk", in: root.url)
            try root.write("README.md", "my lab\n")
            folder = root.path("deploy")
            rig = RigInDirectory(directory: root.url)
            let initialized = try rig("init", "deploy", "--template", "local")
            #expect(initialized.status == 0, "\(initialized.output)")
            try git("add", "-A", in: root.url)
            try git("commit", "-q", "-m", "my lab", in: root.url)
        }

        @discardableResult
        func store(_ arguments: String...) throws -> String { try git(["--git-dir", storePath] + arguments) }

        /// `rig run deploy/workflow.yaml` writing into `out/`; expects success.
        @discardableResult
        func run(_ extra: String...) throws -> RigInDirectory.Result {
            let result = try rig.run(["run", "deploy/workflow.yaml", "--input", "workdir=\(output)"] + extra)
            #expect(result.status == 0, "\(result.output)")
            return result
        }

        func edit(_ file: String, _ transform: (String) -> String) throws {
            let url = folder.appendingPathComponent(file)
            try Data(transform(try String(contentsOf: url, encoding: .utf8)).utf8).write(to: url)
        }

        /// Everything of the user's repository rig must not change: HEAD, refs, index and status.
        func userState() throws -> [String] {
            [
                try git("rev-parse", "HEAD", in: root.url), try git("for-each-ref", in: root.url),
                try git("ls-files", "--stage", in: root.url), try git("status", "--porcelain", "--ignored", in: root.url),
                try shell("sha256sum '\(root.path(".git/index").path)'"),
            ]
        }
    }

    @Test func aNewUsersRunsEditsHistoryDiffTagAndOldRevisionDoWhatTheStoreSays() throws {
        let user = try UserRepository()
        let ignoredBefore = try user.userState()
        try user.run()
        #expect(try user.userState() == ignoredBefore, "rig wrote to the user's repository")
        let first = try user.store("rev-parse", "HEAD")
        #expect(try user.store("ls-tree", "-r", "--name-only", "HEAD") == "inventory.yaml\nworkflow.yaml")
        #expect(
            try user.store("log", "--format=%an <%ae>|%s")
                == "Ada Lovelace <ada@example.com>|Initial revision of my-workflow: 2 steps, 1 host")
        #expect(
            try user.store("log", "-1", "--format=%(trailers:key=Workspace-Commit,valueonly)")
                == (try git("rev-parse", "HEAD", in: user.root.url)))
        #expect(try String(contentsOfFile: user.output + "/hello.txt", encoding: .utf8) == "hello from here\n")

        // The same files again: no new revision.
        try user.run()
        #expect(try user.store("rev-list", "--count", "HEAD") == "1")

        // An edit: a new host and a changed command.
        try user.edit("workflow.yaml") { $0.replacingOccurrences(of: "echo \"hello from", with: "echo \"hi from") }
        try user.edit("inventory.yaml") { $0 + "  - {name: node4, address: 192.168.1.24, roles: [worker]}\n" }
        let plan = try user.rig("plan", "deploy/workflow.yaml", "--input", "workdir=\(user.output)")
        #expect(plan.stdout.contains("differ from the latest revision \(first.prefix(7))"))
        let editedState = try user.userState()
        let ran = try user.run()
        #expect(ran.stderr.contains("Recorded revision"))
        let second = try user.store("rev-parse", "HEAD")
        #expect(try user.store("rev-parse", "HEAD~1") == first)
        #expect(try user.store("log", "-1", "--format=%s") == "add worker node4; change with.run of step hello")
        #expect(try user.store("show", "HEAD~1:workflow.yaml").contains("echo \"hello from"))

        // history: both revisions, newest first, each with the runs that used it.
        let history = try user.rig("history", "--folder", "deploy")
        #expect(history.status == 0)
        let blocks = history.stdout.components(separatedBy: "\n\n")
        #expect(blocks.count == 2)
        #expect(blocks[0].hasPrefix(String(second.prefix(7))) && blocks[0].contains("add worker node4"))
        #expect(blocks[0].components(separatedBy: "succeeded (2 tasks)").count == 2)
        #expect(blocks[1].hasPrefix(String(first.prefix(7))) && blocks[1].components(separatedBy: "succeeded (2 tasks)").count == 3)

        // diff with revparse syntax, semantic and as a patch.
        let diff = try user.rig("diff", "HEAD~1", String(second.prefix(8)), "--folder", "deploy")
        #expect(diff.status == 0, "\(diff.output)")
        #expect(diff.stdout.contains("  ~ hello\n      ~ with.run: echo \"hello from"))
        #expect(diff.stdout.contains("  + node4 192.168.1.24 (roles: worker)"))
        #expect(diff.stdout.contains("Steps this change can affect: hello"))
        #expect(diff.stdout.contains("reruns 1 done task: hello@here"))
        let patch = try user.rig("diff", "HEAD~1", "HEAD", "--patch", "--folder", "deploy")
        #expect(patch.stdout.contains("+  - {name: node4, address: 192.168.1.24, roles: [worker]}"))
        #expect(try user.rig("diff", "--folder", "deploy").stdout.contains("No changes to steps"))

        // tag and show.
        let tagged = try user.rig("tag", "before-node4", "HEAD~1", "--folder", "deploy")
        #expect(tagged.status == 0, "\(tagged.output)")
        #expect(try user.store("rev-parse", "refs/tags/before-node4") == first)
        #expect(
            try user.rig("show", "before-node4:workflow.yaml", "--folder", "deploy").stdout
                == (try user.store("show", "\(first):workflow.yaml")) + "\n")
        #expect(try user.rig("show", "before-node4", "--folder", "deploy").stdout.contains("Files:\n    inventory.yaml\n    workflow.yaml"))

        // run --revision: the old workflow runs; the folder's files are not touched; no new revision.
        let workflowNow = try Data(contentsOf: user.folder.appendingPathComponent("workflow.yaml"))
        try user.run("--revision", "before-node4")
        #expect(try String(contentsOfFile: user.output + "/hello.txt", encoding: .utf8) == "hello from here\n")
        #expect(try Data(contentsOf: user.folder.appendingPathComponent("workflow.yaml")) == workflowNow)
        #expect(try user.store("rev-list", "--count", "HEAD") == "2")

        // The runs ref: one record per run, each naming the revision it used.
        let records = try user.store("ls-tree", "--name-only", "refs/rig/runs:runs").split(separator: "\n")
        #expect(records.count == 4)
        let revisions = try records.map { name in
            let json = try user.store("show", "refs/rig/runs:runs/\(name)")
            return try #require(
                json.range(of: #""revision":"([0-9a-f]{40})""#, options: .regularExpression).map {
                    String(json[$0].dropFirst(12).dropLast())
                })
        }
        #expect(revisions.sorted() == [first, first, first, second].sorted())
        #expect(try user.store("fsck", "--strict", "--no-dangling").isEmpty)
        #expect(try user.userState() == editedState, "rig wrote to the user's repository")
    }

    @Test func unknownAndAmbiguousRevisionsAreInputErrors() throws {
        let user = try UserRepository()
        try user.run()
        let unknown = try user.rig("show", "no-such-tag", "--folder", "deploy")
        #expect(unknown.status == 2 && unknown.stderr.contains("unknown revision 'no-such-tag'"))
        let tooShort = try user.rig("diff", "ab", "--folder", "deploy")
        #expect(tooShort.status == 2 && tooShort.stderr.contains("revision 'ab'"))
        let again = try user.rig("tag", "v1", "--folder", "deploy")
        #expect(again.status == 0)
        let moved = try user.rig("tag", "v1", "--folder", "deploy")
        #expect(moved.status == 2 && moved.stderr.contains("tag 'v1' already names revision"))
        let outside = try RigInDirectory(directory: user.root.url.deletingLastPathComponent())("history")
        #expect(outside.status == 2 && outside.stderr.contains("no revision store"))
    }

    @Test func aFileHoldingASecretIsRefusedByPlaceBeforeAnythingRuns() throws {
        let user = try UserRepository()
        try user.edit("workflow.yaml") {
            $0.replacingOccurrences(of: "inputs:", with: "secrets:\n  token: {description: An API token.}\n\ninputs:")
        }
        try user.edit("inventory.yaml") { $0 + "# token: s3cr3t-XYZ-123\n" }
        let refused = try user.rig.run(
            ["run", "deploy/workflow.yaml", "--input", "workdir=\(user.output)"], extraEnvironment: ["RIG_SECRET_token": "s3cr3t-XYZ-123"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("inventory.yaml:"), "\(refused.stderr)")
        #expect(refused.stderr.contains("holds the value of one of the run's secrets"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("'token'"), "naming the secret confirms which value it is")
        #expect(!refused.output.contains("s3cr3t-XYZ-123"))
        #expect(!FileManager.default.fileExists(atPath: user.output), "a step ran")
        #expect(try user.store("for-each-ref").isEmpty, "a revision was committed")
    }

    @Test func conflictMarkersInAPluginAreRefusedWithTheLine() throws {
        let user = try UserRepository()
        try user.root.write("deploy/plugins/check.sh", "#!/bin/sh\n<<<<<<< ours\necho a\n=======\necho b\n>>>>>>> theirs\n")
        let refused = try user.rig("run", "deploy/workflow.yaml", "--input", "workdir=\(user.output)")
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("plugins/check.sh:2 has a merge-conflict marker"))
        #expect(try user.store("for-each-ref").isEmpty)
    }

    @Test func aDamagedStoreIsReportedLeftAloneAndReplacedOnlyWhenAsked() throws {
        let user = try UserRepository()
        try user.run()
        let tree = try user.store("rev-parse", "HEAD^{tree}")
        let object = "\(user.storePath)/objects/\(tree.prefix(2))/\(tree.dropFirst(2))"
        try FileManager.default.removeItem(atPath: object)
        let listing = try shell("find '\(user.storePath)' -type f | sort | xargs sha256sum")

        let history = try user.rig("history", "--folder", "deploy")
        #expect(history.status == 4)
        #expect(history.stderr.contains("is damaged") && history.stderr.contains("rig init --fresh-store \(user.folder.path)"))
        let run = try user.rig("run", "deploy/workflow.yaml", "--input", "workdir=\(user.output)-2")
        #expect(run.status == 4 && !FileManager.default.fileExists(atPath: user.output + "-2"))
        #expect(try shell("find '\(user.storePath)' -type f | sort | xargs sha256sum") == listing, "rig changed the damaged store")

        let fresh = try user.rig("init", "--fresh-store", "deploy")
        #expect(fresh.status == 0, "\(fresh.output)")
        let aside = try FileManager.default.contentsOfDirectory(atPath: user.folder.appendingPathComponent(".rig").path)
            .filter { $0.hasPrefix("revisions.git.damaged-") }
        #expect(aside.count == 1)
        #expect(try user.rig("history", "--folder", "deploy").stdout.hasPrefix("No revisions yet"))
        let notDamaged = try user.rig("init", "--fresh-store", "deploy")
        #expect(notDamaged.status == 2 && notDamaged.stderr.contains("is not damaged"))
    }

    @Test func aStoreFromANewerRigIsRefusedUnchanged() throws {
        let user = try UserRepository()
        try user.run()
        try user.store("config", "rig.formatVersion", "7")
        let refs = try user.store("for-each-ref")
        let run = try user.rig("run", "deploy/workflow.yaml", "--input", "workdir=\(user.output)")
        #expect(run.status == 4 && run.stderr.contains("has format 7, but this rig understands format 1"))
        #expect(try user.store("for-each-ref") == refs)
    }

    @Test func aFolderWhereTheStoreCannotBeCreatedStopsTheRunBeforeItStarts() throws {
        let user = try UserRepository()
        // `.rig` as a file: nothing can be created under it, even by root.
        try FileManager.default.removeItem(at: user.folder.appendingPathComponent(".rig"))
        try user.root.write("deploy/.rig", "not a folder\n")
        let run = try user.rig("run", "deploy/workflow.yaml", "--input", "workdir=\(user.output)")
        #expect(run.status == 4)
        // The run store beside the workflow refuses it first, before any revision is attempted.
        #expect(
            run.stderr.contains(".rig is not rig state") || run.stderr.contains("cannot create the revision store at \(user.storePath)"))
        #expect(!FileManager.default.fileExists(atPath: user.output))
    }

    @Test func planSaysWhetherTheFilesDifferAndCommitsNothing() throws {
        let root = try TemporaryDirectory("rig-cli-plan")
        try root.write("workflow.yaml", "name: p\nsteps:\n  - {id: a, type: shell, with: {run: 'true'}}\n")
        let rig = RigInDirectory(directory: root.url)
        #expect(try rig("plan", "workflow.yaml").stdout.contains("no revision store yet"))
        #expect(!FileManager.default.fileExists(atPath: root.path(".rig").path))
        #expect(try rig("run", "workflow.yaml").status == 0)
        #expect(try rig("plan", "workflow.yaml").stdout.contains("the files match the latest revision"))
        try root.write(
            "workflow.yaml",
            "name: p\nsteps:\n  - {id: a, type: shell, with: {run: 'true'}}\n  - {id: b, type: shell, with: {run: 'true'}}\n")
        #expect(try rig("plan", "workflow.yaml").stdout.contains("the files differ from the latest revision"))
        #expect(try git("--git-dir", root.path(".rig/revisions.git").path, "rev-list", "--count", "HEAD") == "1")
    }

    @Test func twoRunsCommittingAtOnceBothRecordOnAConsistentStore() throws {
        let root = try TemporaryDirectory("rig-cli-concurrent")
        for name in ["a", "b"] {
            try root.write("\(name).yaml", "name: \(name)\nsteps:\n  - {id: s, type: shell, with: {run: 'sleep 0.3'}}\n")
        }
        let rig = RigInDirectory(directory: root.url)
        let running = ["a", "b"].map { rig.start(["run", "\($0).yaml"]) }
        for child in running { try child.process.run() }
        let results = running.map { $0.finish() }
        // 0, or 3 where the run state's lock lets only one run at a time; never a broken store.
        #expect(results.allSatisfy { [0, 3].contains($0.status) }, "\(results.map(\.output))")
        let succeeded = results.filter { $0.status == 0 }.count
        let store = root.path(".rig/revisions.git").path
        #expect(try git("--git-dir", store, "rev-list", "--count", "HEAD") == String(succeeded))
        #expect(try git("--git-dir", store, "ls-tree", "--name-only", "refs/rig/runs:runs").split(separator: "\n").count == succeeded)
        #expect(try git("--git-dir", store, "fsck", "--strict", "--no-dangling").isEmpty)
    }
}
