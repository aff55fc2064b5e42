import Foundation
import Testing

@testable import RigKit

/// A journal holding less than its run folder shows is reported, never read as "nothing done".
@Suite struct JournalCompletenessTests {
    /// A run of a → b: both succeeded and the run ended, as `rig run` leaves it.
    static func finishedRun(_ dir: ScratchDirectory) throws -> (RunFolder, [UInt8]) {
        let store = try RunStore(directory: dir.file(".rig"))
        let run = try store.createRun(RunManifest(workflowPath: dir.file("w.yaml")))
        let writer = try run.createJournal()
        let recorder = JournalRecorder(writer: writer, runID: run.id, fingerprints: [:])
        try recorder.begin(toRun: [task("a"), task("b")])
        for name in ["a", "b"] {
            let log = Executor.logPath(for: task(name), in: run.logsDirectory)
            recorder.taskStarting(task(name), attempt: 1, logPath: log)
            FileManager.default.createFile(atPath: log, contents: Data("ran\n".utf8))
            recorder.taskFinished(task(name), outcome: .succeeded(.changed), outputs: [:], attempt: 1, duration: .milliseconds(1))
        }
        try recorder.end(status: .succeeded)
        try writer.close()
        try run.finish(status: .succeeded, taskCounts: ["succeeded": 2])
        return (run, readBytes(run.journalPath))
    }

    static func shortfall(_ run: RunFolder) throws -> JournalError? {
        let contents = PosixFile.exists(run.journalPath) ? try run.readJournal() : nil
        return JournalCompleteness.shortfall(of: run, manifest: try run.readManifest(), contents: contents)
    }

    @Test func aWholeJournalMatchesItsRunFolder() throws {
        let dir = ScratchDirectory()
        let (run, _) = try Self.finishedRun(dir)
        #expect(try Self.shortfall(run) == nil)
    }

    @Test func aJournalMissingEmptyOrShorterThanTheTaskCountsOfAnEndedRunIsIncomplete() throws {
        let dir = ScratchDirectory()
        let (run, bytes) = try Self.finishedRun(dir)
        let offsets = frameOffsets(bytes)
        let cuts: [(String, [UInt8]?)] = [
            ("missing", nil), ("holds no records", []), ("holds no records", Array(bytes.prefix(JournalFormat.headerSize))),
            ("holds 1 task(s) done", Array(bytes.prefix(offsets[6]))),
        ]
        for (finding, cut) in cuts {
            if let cut { writeBytes(run.journalPath, cut) } else { unlink(run.journalPath) }
            let error = try Self.shortfall(run)
            guard case .incomplete(let journal, let text)? = error else {
                Issue.record("\(finding): expected incomplete, got \(String(describing: error))")
                continue
            }
            #expect(journal == run.journalPath)
            #expect(text.contains(finding) && text.contains(run.manifestPath) && text.contains("2 task(s) done"), "\(text)")
            #expect(error?.description.contains("rig resume \(run.id) --accept-damaged-journal") == true)
        }
    }

    @Test func aKilledRunsJournalMustRecordEveryTaskWhoseLogExists() throws {
        let dir = ScratchDirectory()
        let (run, bytes) = try Self.finishedRun(dir)
        var manifest = try run.readManifest()
        manifest.status = .running
        manifest.taskCounts = nil
        try run.writeManifest(manifest)
        #expect(try Self.shortfall(run) == nil)
        writeBytes(run.journalPath, Array(bytes.prefix(frameOffsets(bytes)[4])))
        guard case .incomplete(_, let text)? = try Self.shortfall(run) else {
            Issue.record("a journal without b's start beside b's log is incomplete")
            return
        }
        #expect(text.contains(run.logsDirectory) && text.contains("b@local"), "\(text)")

        for name in ["a", "b"] { unlink(Executor.logPath(for: task(name), in: run.logsDirectory)) }
        unlink(run.journalPath)
        #expect(try Self.shortfall(run) == nil, "killed before any task started: nothing is lost")
    }

    @Test func checkingTheLockSeesALiveHolderAndTakesNothing() throws {
        let dir = ScratchDirectory()
        let store = try RunStore(directory: dir.file(".rig"))
        try store.checkNotLocked()
        let lock = try store.lock(command: "rig run w.yaml")
        let error = #expect(throws: StateError.self) { try store.checkNotLocked() }
        guard case .locked(let path, let holder)? = error else {
            Issue.record("expected locked, got \(String(describing: error))")
            return
        }
        #expect(path == store.lockPath && holder?.pid == getpid() && holder?.command == "rig run w.yaml")
        lock.release()
        try store.checkNotLocked()
        try store.lock(command: "rig run w.yaml").release()
    }

    @Test func rigKitSourcesHaveNoForceTry() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/RigKit")
        let files = try #require(FileManager.default.enumerator(atPath: sources.path)?.allObjects as? [String])
        var found: [String] = []
        for file in files where file.hasSuffix(".swift") {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where line.contains("try!") {
                found.append("\(file):\(number + 1)")
            }
        }
        #expect(found.isEmpty, "try! in \(found)")
    }
}
