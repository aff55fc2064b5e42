import Foundation
import Testing

@testable import RigKit

@Suite struct JournalTests {
    @Test func recordsReadBackExactlyAsWritten() throws {
        let dir = ScratchDirectory()
        let records =
            (0..<20).map(fullRecord) + [
                JournalRecord(.runStarted, runID: "20261125T103200Z-4f2a", bootID: "b", pid: 42),
                JournalRecord(.queued, task: task("x")),
                JournalRecord(.runEnded, message: "succeeded"),
            ]
        try writeJournal(dir.file("journal"), records)
        let contents = try JournalReader.read(dir.file("journal"))
        #expect(contents.records == records)
        #expect(contents.tornTail == nil)
        #expect(contents.damage == nil)
    }

    @Test func truncationAtEveryByteKeepsExactlyTheCompleteRecords() throws {
        let dir = ScratchDirectory()
        let records = (0..<6).map(fullRecord)
        let bytes = try writeJournal(dir.file("journal"), records)
        let offsets = frameOffsets(bytes)
        #expect(offsets.count == records.count + 1)
        #expect(offsets.last == bytes.count)
        for cut in JournalFormat.headerSize..<bytes.count {
            let contents = try JournalReader.parse(Array(bytes.prefix(cut)), path: "j")
            let complete = offsets.dropLast().filter { start in
                offsets[offsets.firstIndex(of: start)! + 1] <= cut
            }.count
            #expect(contents.records == Array(records.prefix(complete)), "cut at byte \(cut)")
            #expect(contents.damage == nil, "cut at byte \(cut)")
            #expect((contents.tornTail != nil) == !offsets.contains(cut), "cut at byte \(cut)")
        }
    }

    @Test func tornLastRecordIsDroppedAtEveryOffset() throws {
        let dir = ScratchDirectory()
        let records = (0..<4).map(fullRecord)
        let bytes = try writeJournal(dir.file("journal"), records)
        let lastStart = frameOffsets(bytes)[3]
        for cut in lastStart..<bytes.count {
            let contents = try JournalReader.parse(Array(bytes.prefix(cut)), path: "j")
            #expect(contents.records == Array(records.prefix(3)))
            if cut > lastStart { #expect(contents.tornTail?.byteOffset == lastStart) }
        }
    }

    @Test func zeroFilledTailAfterPowerLossIsATornTail() throws {
        let dir = ScratchDirectory()
        let records = (0..<3).map(fullRecord)
        var bytes = try writeJournal(dir.file("journal"), records)
        let end = bytes.count
        bytes += [UInt8](repeating: 0, count: 4096)
        let contents = try JournalReader.parse(bytes, path: "j")
        #expect(contents.records == records)
        #expect(contents.tornTail == .init(byteOffset: end, byteCount: 4096, reason: "no record marker"))
        // A last record whose bytes were zeroed in place.
        var zeroed = try writeJournal(dir.file("journal2"), records)
        let lastStart = frameOffsets(zeroed)[2]
        for i in lastStart..<zeroed.count { zeroed[i] = 0 }
        #expect(try JournalReader.parse(zeroed, path: "j").records == Array(records.prefix(2)))
    }

    @Test func aFlippedByteInTheMiddleIsReportedWithItsRecordAndOffset() throws {
        let dir = ScratchDirectory()
        let records = (0..<5).map(fullRecord)
        let bytes = try writeJournal(dir.file("journal"), records)
        let offsets = frameOffsets(bytes)
        for i in offsets[2]..<offsets[3] {
            var damaged = bytes
            damaged[i] ^= 0xff
            let contents = try JournalReader.parse(damaged, path: "j")
            #expect(contents.records == Array(records.prefix(2)), "flip at \(i)")
            #expect(contents.damage?.recordIndex == 2, "flip at \(i)")
            #expect(contents.damage?.byteOffset == offsets[2], "flip at \(i)")
            #expect(contents.tornTail == nil)
            #expect(throws: JournalError.self) { try contents.intactRecords() }
        }
    }

    @Test func damageErrorTellsWhereAndHowToProceed() throws {
        let dir = ScratchDirectory()
        var bytes = try writeJournal(dir.file("journal"), (0..<3).map(fullRecord))
        let offsets = frameOffsets(bytes)
        bytes[offsets[1] + 20] ^= 0x01
        writeBytes(dir.file("journal"), bytes)
        let contents = try JournalReader.read(dir.file("journal"))
        do {
            _ = try contents.intactRecords()
            Issue.record("damage not reported")
        } catch {
            let text = "\(error)"
            #expect(text.contains("record 1"))
            #expect(text.contains("byte \(offsets[1])"))
            #expect(text.contains("--accept-damaged-journal"))
        }
        #expect(readBytes(dir.file("journal")) == bytes, "reading never rewrites the journal")
    }

    @Test func aRecordWithAValidChecksumButUnknownContentIsDamageNotATornTail() throws {
        let dir = ScratchDirectory()
        var bytes = try writeJournal(dir.file("journal"), [fullRecord(1)])
        var frame = ByteWriter()
        frame.u32(JournalFormat.marker)
        frame.u32(0)
        frame.u32(3)
        frame.raw([99, 0, 0])  // kind 99 does not exist
        let crc = CRC32C.checksum(frame.bytes, from: 8)
        frame.bytes.withUnsafeMutableBytes { $0.storeBytes(of: crc.littleEndian, toByteOffset: 4, as: UInt32.self) }
        bytes += frame.bytes
        let contents = try JournalReader.parse(bytes, path: "j")
        #expect(contents.records.count == 1)
        #expect(contents.damage?.recordIndex == 1)
    }

    @Test func aForeignFileIsRejectedClearly() throws {
        let dir = ScratchDirectory()
        dir.write("journal", "name: my workflow\nsteps: []\n")
        #expect {
            try JournalReader.read(dir.file("journal"))
        } throws: { error in
            guard case JournalError.notAJournal(let path, _) = error else { return false }
            return path == dir.file("journal") && "\(error)".contains("is not a rig journal")
        }
    }

    @Test func aJournalFromANewerRigIsRejectedAndLeftAlone() throws {
        let dir = ScratchDirectory()
        var bytes = try writeJournal(dir.file("journal"), [fullRecord(1)])
        bytes[JournalFormat.magic.count] = 2
        writeBytes(dir.file("journal"), bytes)
        #expect(throws: JournalError.newerFormat(path: dir.file("journal"), found: 2, supported: 1)) {
            try JournalReader.read(dir.file("journal"))
        }
        #expect(readBytes(dir.file("journal")) == bytes)
    }

    @Test func anEmptyOrHeaderTornJournalHasNoRecords() throws {
        for length in 0..<JournalFormat.headerSize {
            let contents = try JournalReader.parse(Array(JournalFormat.header.prefix(length)), path: "j")
            #expect(contents.records.isEmpty)
        }
    }

    @Test func creatingNeverOverwritesAnExistingJournal() throws {
        let dir = ScratchDirectory()
        let bytes = try writeJournal(dir.file("journal"), [fullRecord(1)])
        #expect(throws: JournalError.self) { try JournalWriter.create(at: dir.file("journal")) }
        #expect(readBytes(dir.file("journal")) == bytes)
    }

    @Test func concurrentAppendersAllLandIntactAndShareSyncs() throws {
        let dir = ScratchDirectory()
        let writer = try JournalWriter.create(at: dir.file("journal"))
        let threads = 16
        let perThread = 100
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            for i in 0..<perThread {
                let record = JournalRecord(.started, task: task("s\(t)", "h"), attempt: i + 1, logPath: "/l/\(t)/\(i)")
                try! writer.append(record, durability: i.isMultiple(of: 3) ? .written : .durable)
            }
        }
        try writer.close()
        let stats = writer.stats
        let contents = try JournalReader.read(dir.file("journal"))
        #expect(contents.tornTail == nil && contents.damage == nil)
        #expect(contents.records.count == threads * perThread)
        for t in 0..<threads {
            let attempts = contents.records.filter { $0.task.step == "s\(t)" }.map(\.attempt)
            #expect(attempts == Array(1...perThread), "thread \(t)'s records in its own order")
        }
        #expect(stats.records == threads * perThread)
        #expect(stats.syncs <= stats.records)
    }

    @Test func appendsAfterCloseFail() throws {
        let dir = ScratchDirectory()
        let writer = try JournalWriter.create(at: dir.file("journal"))
        try writer.close()
        #expect(throws: JournalError.self) { try writer.append(fullRecord(1), durability: .written) }
    }

    @Test func crc32cMatchesTheStandardCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }
}
