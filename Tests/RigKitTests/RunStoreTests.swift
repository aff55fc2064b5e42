import Foundation
import OrderedCollections
import RigModel
import Testing

@testable import RigKit

@Suite struct RunStoreTests {
    @Test func runsAreCreatedListedAndFoundByIdOrAsLatest() throws {
        let dir = ScratchDirectory()
        dir.write("site.yaml", "name: site\n")
        let store = try RunStore(workflowPath: dir.file("site.yaml"))
        #expect(store.directory == dir.file(".rig"))
        #expect(try store.latestRun() == nil)
        #expect(throws: StateError.self) { try store.resolveRun(nil) }

        let first = try store.createRun(
            RunManifest(
                id: "20261125T103200Z-0001", workflowPath: dir.file("site.yaml"),
                inputs: ["domain": "example.org"], options: ["jobs": "4"]))
        let second = try store.createRun(RunManifest(id: "20261125T103100Z-0002", workflowPath: dir.file("site.yaml")))
        #expect(try store.runIDs() == ["20261125T103100Z-0002", "20261125T103200Z-0001"])
        #expect(try store.latestRun() == second, "latest is the last created, even when its id sorts first")
        #expect(try store.run(id: first.id).readManifest().inputs == ["domain": "example.org"])
        #expect(FileManager.default.fileExists(atPath: first.logsDirectory))
        #expect(String(decoding: readBytes(dir.file(".rig/.gitignore")), as: UTF8.self) == "*\n")

        try first.finish(status: .succeeded, taskCounts: ["succeeded": 3])
        let record = try first.readManifest()
        #expect(record.status == .succeeded)
        #expect(record.duration != nil)
        #expect(try store.listRuns().count == 2)
    }

    @Test func unknownAndMaliciousRunIdsAreRejected() throws {
        let dir = ScratchDirectory()
        let store = try RunStore(directory: dir.file(".rig"))
        _ = try store.createRun(RunManifest(id: "20261125T103200Z-0001", workflowPath: "/w.yaml"))
        #expect {
            try store.run(id: "20990101T000000Z-dead")
        } throws: { error in
            "\(error)".contains("no run 20990101T000000Z-dead") && "\(error)".contains("20261125T103200Z-0001")
        }
        #expect(throws: StateError.self) { try store.run(id: "../../etc") }
        #expect(!RunID.isValid("../x") && !RunID.isValid(".hidden") && !RunID.isValid("a/b") && !RunID.isValid(""))
        #expect(RunID.isValid(RunID.make()))
    }

    @Test func runIdsSortByTime() {
        let a = RunID.make(micros: 1_764_000_000_000_000)
        let b = RunID.make(micros: 1_764_000_001_000_000)
        #expect(a < b)
        #expect(a.hasPrefix("20251124T"))
        #expect(a.count == "20261125T103200Z-4f2a".count)
    }

    @Test func aStateFolderFromANewerRigIsRefusedAndLeftUntouched() throws {
        let dir = ScratchDirectory()
        try FileManager.default.createDirectory(atPath: dir.file(".rig/runs"), withIntermediateDirectories: true)
        dir.write(".rig/format", "rig-state 7\n")
        #expect {
            try RunStore(directory: dir.file(".rig"))
        } throws: { error in
            "\(error)".contains("newer rig (state format 7; this rig understands up to 1)")
        }
        #expect(dir.allFiles() == [dir.file(".rig/format")])

        dir.write(".rig/format", "something else\n")
        #expect(throws: StateError.self) { try RunStore(directory: dir.file(".rig")) }
        dir.write("notadir", "")
        #expect(throws: StateError.self) { try RunStore(directory: dir.file("notadir")) }
    }

    @Test func aRunManifestFromANewerRigIsRefused() throws {
        let dir = ScratchDirectory()
        let store = try RunStore(directory: dir.file(".rig"))
        let run = try store.createRun(RunManifest(id: "20261125T103200Z-0001", workflowPath: "/w.yaml"))
        let text = String(decoding: readBytes(run.manifestPath), as: UTF8.self)
            .replacingOccurrences(of: "\"formatVersion\" : 1", with: "\"formatVersion\" : 2")
        dir.write(".rig/runs/20261125T103200Z-0001/run.json", text)
        #expect(throws: StateError.newerFormat(path: run.manifestPath, found: 2, supported: 1)) { try run.readManifest() }
        dir.write(".rig/runs/20261125T103200Z-0001/run.json", "[1, 2]")
        #expect(throws: StateError.self) { try run.readManifest() }
    }

    @Test func aRunWhoseRunnerDiedIsAbandoned() throws {
        var record = RunManifest(workflowPath: "/w.yaml")
        #expect(record.effectiveStatus == .running)
        record.pid = Int32.max - 1
        #expect(record.effectiveStatus == .abandoned)
    }

    @Test func theResolvedWorkflowRoundTripsAndCanSkipParameters() throws {
        let dir = ScratchDirectory()
        let store = try RunStore(directory: dir.file(".rig"))
        let run = try store.createRun(RunManifest(workflowPath: "/w.yaml"))
        let defs = [definition("a", outputs: ["token": true]), definition("b", needs: [task("a")])]
        let resolved = try ResolvedWorkflow(
            name: "site", workflowPath: "/w.yaml", cacheKey: CacheKey(sourceFiles: [], settingsDigest: ""),
            inputs: ["domain": .string("example.org"), "replicas": .int(3)], secrets: ["registry_password"],
            definitions: defs.reversed(), fingerprints: FingerprintTable.compute(defs),
            secretInputs: [task("b"): [SecretOutputUse(producer: task("a"), output: "token")]])
        #expect(resolved.tasks.map(\.id) == [task("a"), task("b")])
        #expect(resolved.tasks[1].needs == [0])
        #expect(resolved.tasks[0].secretOutputs == ["token"])
        try run.writeResolved(resolved)
        #expect(try run.readResolved() == resolved)
        let light = try run.readResolved(parameters: false)
        #expect(light.tasks.allSatisfy { $0.parameters.isEmpty })
        #expect(light.tasks.map(\.fingerprint) == resolved.tasks.map(\.fingerprint))

        var damaged = readBytes(run.resolvedPath)
        damaged[damaged.count / 2] ^= 0x40
        writeBytes(run.resolvedPath, damaged)
        #expect(throws: StateError.self) { try run.readResolved() }
    }

    @Test func aFinishedRunIsRecognizedAsANoOpWithoutTheWorkflowBeingParsed() throws {
        let dir = ScratchDirectory()
        dir.write("site.yaml", "name: site\nsteps: []\n")
        dir.write("inventory.yaml", "hosts: []\n")
        let settings: OrderedDictionary<String, String> = ["input.domain": "example.org", "rig": "0.1"]
        let store = try RunStore(workflowPath: dir.file("site.yaml"))
        let defs = [definition("a"), definition("b", needs: [task("a")])]
        let fingerprints = try FingerprintTable.compute(defs)
        let key = try CacheKey.compute(files: [dir.file("site.yaml"), dir.file("inventory.yaml")], settings: settings)
        let run = try store.createRun(
            RunManifest(
                workflowPath: dir.file("site.yaml"), sourceFiles: key.sourceFiles,
                settingsDigest: key.settingsDigest))
        try run.writeResolved(
            ResolvedWorkflow(
                name: "site", workflowPath: dir.file("site.yaml"), cacheKey: key,
                definitions: defs, fingerprints: fingerprints))
        let writer = try run.createJournal()
        let recorder = JournalRecorder(writer: writer, runID: run.id, fingerprints: fingerprints)
        try recorder.begin(toRun: defs.map(\.task))
        for d in defs {
            recorder.taskStarting(d.task, attempt: 1, logPath: run.logsDirectory + "/\(d.task).log")
            recorder.taskFinished(d.task, outcome: .succeeded(.changed), outputs: [:], attempt: 1, duration: .milliseconds(1))
        }
        try recorder.end(status: .succeeded)
        try writer.close()
        #expect(
            NoOpCheck.check(store: store, settings: settings) != .upToDate(runID: run.id, tasks: 2),
            "a run still marked running is not a no-op")
        #expect(NoOpCheck.check(store: store, settings: settings, verifyJournal: true) != .upToDate(runID: run.id, tasks: 2))
        try run.finish(status: .succeeded)

        #expect(NoOpCheck.check(store: store, settings: settings) == .upToDate(runID: run.id, tasks: 2))
        #expect(NoOpCheck.check(store: store, settings: settings, verifyJournal: true) == .upToDate(runID: run.id, tasks: 2))
        var other = settings
        other["input.domain"] = "example.com"
        #expect(NoOpCheck.check(store: store, settings: other) != .upToDate(runID: run.id, tasks: 2))
        dir.write("inventory.yaml", "hosts: [w1]\n")
        #expect(NoOpCheck.check(store: store, settings: settings) != .upToDate(runID: run.id, tasks: 2))
        dir.write("inventory.yaml", "hosts: []\n")
        #expect(NoOpCheck.check(store: store, settings: settings) == .upToDate(runID: run.id, tasks: 2))
        try FileManager.default.removeItem(atPath: dir.file("inventory.yaml"))
        #expect(NoOpCheck.check(store: store, settings: settings) != .upToDate(runID: run.id, tasks: 2))
    }

    @Test func theSummaryTabulatesEveryTaskOfTheWorkflowAndItsState() {
        let state = JournalState(records: [
            JournalRecord(.runStarted, runID: "r2"),
            JournalRecord(.carried, task: task("init", "master"), runID: "r1"),
            JournalRecord(.queued, task: task("join", "w1")),
            JournalRecord(.queued, task: task("join", "w2")),
            JournalRecord(.started, task: task("join", "w1"), attempt: 2),
            JournalRecord(.failed, task: task("join", "w1"), attempt: 2, exitCode: 1, message: "boom"),
            JournalRecord(.started, task: task("join", "w2"), attempt: 1),
            JournalRecord(.succeeded, task: task("join", "w2"), attempt: 1, status: .changed),
        ])
        let summary = RunStatusTable(
            state: state,
            tasks: [
                task("init", "master"), task("join", "w1"), task("join", "w2"),
                task("verify"),
            ])
        #expect(summary.rows.map(\.task) == [task("init", "master"), task("join", "w1"), task("join", "w2"), task("verify")])
        #expect(summary.counts == ["done earlier": 1, "failed": 1, "succeeded": 1, "not started": 1])
        #expect(summary.row(task("join", "w1"))?.attempt == 2)
        #expect(summary.row(task("join", "w1"))?.exitCode == 1)
        #expect(summary.row(task("init", "master"))?.doneInRun == "r1")
        #expect(summary.steps == ["init", "join", "verify"])
        #expect(summary.hosts == ["local", "master", "w1", "w2"])
        #expect(!summary.allDone)
    }

    @Test func noSecretValueReachesAnyByteOfTheRunFolder() throws {
        let dir = ScratchDirectory()
        let password = "S3cr3t-registry-pa55"
        let token = "abcdef.0123456789abcdef"
        dir.write("site.yaml", "name: site\n")
        let store = try RunStore(workflowPath: dir.file("site.yaml"))
        let run = try store.createRun(RunManifest(workflowPath: dir.file("site.yaml"), inputs: ["domain": "example.org"]))

        // The fingerprint sees the display rendering: the placeholder, never the value.
        let schema = ParameterSchema([
            .init("run", .script, description: "script"),
            .init("password", .string, description: "pw", secret: true),
        ])
        let login = Step(
            id: "login", type: "shell",
            outputs: [
                OutputDeclaration(name: "token", secret: true),
                OutputDeclaration(name: "echo"),
            ])
        let display = StepInvocation(
            step: login, task: task("login"), host: .local,
            parameters: [
                "run": .string("docker login -p <secret:registry_password>"),
                "password": .string(password),
            ],
            inventory: Inventory(), mode: .display)
        let def = TaskDefinition(invocation: display, schema: schema, needs: [])
        let join = definition("join", host: "w1", needs: [task("login")])
        let fingerprints = try FingerprintTable.compute([def, join])
        try run.writeResolved(
            ResolvedWorkflow(
                name: "site", workflowPath: dir.file("site.yaml"),
                cacheKey: CacheKey(sourceFiles: [], settingsDigest: ""), secrets: ["registry_password"],
                definitions: [def, join], fingerprints: fingerprints))

        let writer = try run.createJournal()
        let recorder = JournalRecorder(
            writer: writer, runID: run.id, fingerprints: fingerprints,
            secretOutputs: ["login": ["token"]], redactions: [password])
        try recorder.begin(
            toRun: [task("login"), task("join", "w1")],
            carried: [
                task("earlier"): .init(
                    runID: "r0", outputs: ["plain": "ok"], withheldOutputs: ["token"], fingerprint: fingerprints[task("login")]!)
            ])
        recorder.taskStarting(task("login"), attempt: 1, logPath: run.logsDirectory + "/login.log", redactions: [token])
        recorder.taskFinished(
            task("login"), outcome: .succeeded(.changed),
            outputs: ["token": token, "echo": "pw was \(password)", "plain": "fine"], attempt: 1,
            duration: .seconds(1))
        recorder.taskStarting(task("join", "w1"), attempt: 1, logPath: run.logsDirectory + "/join.log")
        recorder.taskFinished(
            task("join", "w1"),
            outcome: .failed(.commandFailed(exitCode: 1, message: "kubeadm join --token \(token) failed; login \(password)")),
            outputs: [:], attempt: 1, duration: .seconds(1))
        try recorder.end(status: .failed)
        try writer.close()
        try run.finish(status: .failed)

        let state = JournalState(try run.readJournal())
        #expect(
            state[task("login")]?.outputs == [
                .init(name: "token", value: nil), .init(name: "echo", value: nil),
                .init(name: "plain", value: "fine"),
            ])
        #expect(state[task("join", "w1")]?.message?.contains("<redacted>") == true)
        for file in dir.allFiles() {
            let bytes = readBytes(file)
            for secret in [password, token] {
                #expect(!bytes.contains(subsequence: Array(secret.utf8)), "\(secret) found in \(file)")
            }
        }
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return false }
        for start in 0...(count - needle.count) where self[start] == needle[0] {
            if self[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
