import PropertyBased
import Testing

@testable import RigKit

/// A journal cut at any byte (a crash mid-append, a disk that lost its tail) reads back as exactly
/// the records that were complete before the cut: never a partial record, never a misread one.
@Suite struct JournalProperties {
    @Test func aJournalCutAnywhereReadsBackAsItsCompleteRecords() async throws {
        let dir = ScratchDirectory()
        await propertyCheck(input: Gen.int(in: 1...30), Gen.int(in: 0...1_000_000)) { count, cutSeed in
            let records = (0..<count).map(fullRecord)
            let bytes = try writeJournal(dir.file("journal-\(count)-\(cutSeed)"), records)
            let cut = JournalFormat.headerSize + cutSeed % (bytes.count - JournalFormat.headerSize + 1)
            let offsets = frameOffsets(bytes)
            let complete = zip(offsets, offsets.dropFirst()).filter { $0.1 <= cut }.count
            let contents = try JournalReader.parse(Array(bytes.prefix(cut)), path: "journal")
            #expect(contents.records == Array(records.prefix(complete)))
            #expect(contents.damage == nil)
            #expect((contents.tornTail != nil) == !offsets.contains(cut))
        }
    }

    @Test func aFlippedByteInsideTheLastRecordIsNeverMisread() async throws {
        let dir = ScratchDirectory()
        await propertyCheck(input: Gen.int(in: 1...20), Gen.int(in: 0...1_000_000), Gen.int(in: 1...255)) { count, offsetSeed, flip in
            let records = (0..<count).map(fullRecord)
            var bytes = try writeJournal(dir.file("flip-\(count)-\(offsetSeed)"), records)
            let offsets = frameOffsets(bytes)
            let lastStart = offsets[offsets.count - 2]
            let position = lastStart + offsetSeed % (bytes.count - lastStart)
            bytes[position] ^= UInt8(flip)
            let contents = try JournalReader.parse(bytes, path: "journal")
            // The damaged record is dropped (torn tail or damage), the earlier ones survive intact.
            #expect(Array(contents.records.prefix(count - 1)) == Array(records.prefix(count - 1)))
            #expect(contents.records.count == count - 1)
        }
    }
}
