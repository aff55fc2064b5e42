/// What a journal file holds: its intact records and what, if anything, was wrong after them.
public struct JournalContents: Sendable, Hashable {
    /// A torn last write (a crash or power loss while appending): dropped, as if never written.
    public struct TornTail: Sendable, Hashable {
        public var byteOffset: Int
        public var byteCount: Int
        public var reason: String
    }

    /// Damage with intact records after it: reading stopped at the damaged record.
    public struct Damage: Sendable, Hashable {
        public var recordIndex: Int
        public var byteOffset: Int
        public var reason: String
    }

    public var path: String
    /// The records before any damage, in order.
    public var records: [JournalRecord]
    public var tornTail: TornTail?
    public var damage: Damage?

    /// The records, or `JournalError.corrupted` when the middle is damaged (a torn tail is fine).
    public func intactRecords() throws(JournalError) -> [JournalRecord] {
        if let damage {
            throw .corrupted(path: path, recordIndex: damage.recordIndex, byteOffset: damage.byteOffset, reason: damage.reason)
        }
        return records
    }
}

/// Reads journals.
///
/// Recovery policy: the first record that fails its frame, checksum or decoding ends the
/// readable journal. If no valid record follows it anywhere in the file, it is a torn tail —
/// the last write was cut by a crash — and it is dropped silently (reported in `tornTail`).
/// If a valid record follows, the damage is in the middle: `damage` says where, the records
/// before it are returned, and callers refuse to resume without explicit consent
/// (`intactRecords()` throws). Nothing here ever rewrites or truncates a journal: a resume
/// starts a new run with a new journal, so a damaged file stays as it was for inspection.
public enum JournalReader {
    public static func read(_ path: String) throws(JournalError) -> JournalContents {
        let bytes: [UInt8]
        do { bytes = try PosixFile.read(path) } catch { throw .io(error) }
        return try parse(bytes, path: path)
    }

    static func parse(_ bytes: [UInt8], path: String) throws(JournalError) -> JournalContents {
        var contents = JournalContents(path: path, records: [])
        let magic = JournalFormat.magic
        if bytes.count < JournalFormat.headerSize {
            // A journal is created with its header in one write; a shorter file is a prefix only if torn at creation.
            if bytes.prefix(magic.count).elementsEqual(magic.prefix(min(bytes.count, magic.count))) {
                contents.tornTail = .init(byteOffset: 0, byteCount: bytes.count, reason: "journal header incomplete")
                return contents
            }
            throw .notAJournal(path: path, reason: "it does not start with the journal header")
        }
        guard bytes[0..<magic.count].elementsEqual(magic) else {
            throw .notAJournal(path: path, reason: "it does not start with the journal header")
        }
        guard let version = ByteReader.u32(bytes, at: magic.count) else {
            throw .notAJournal(path: path, reason: "its header has no format version")
        }
        if version > JournalFormat.version {
            throw .newerFormat(path: path, found: version, supported: JournalFormat.version)
        }
        if version == 0 { throw .notAJournal(path: path, reason: "format version 0") }

        var offset = JournalFormat.headerSize
        contents.records.reserveCapacity(bytes.count / 96)
        while offset < bytes.count {
            let problem: String
            switch JournalFormat.checkFrame(bytes, at: offset) {
            case .valid(let payload, let next):
                do {
                    contents.records.append(try JournalFormat.decode(bytes, payload: payload))
                    offset = next
                    continue
                } catch {
                    // The checksum holds, so this is no torn write: always damage.
                    contents.damage = .init(
                        recordIndex: contents.records.count, byteOffset: offset,
                        reason: "record cannot be decoded: \(error)")
                    return contents
                }
            case .incomplete(let why), .invalid(let why):
                problem = why
            }
            if hasValidFrame(in: bytes, after: offset) {
                contents.damage = .init(recordIndex: contents.records.count, byteOffset: offset, reason: problem)
            } else {
                contents.tornTail = .init(byteOffset: offset, byteCount: bytes.count - offset, reason: problem)
            }
            return contents
        }
        return contents
    }

    /// Whether any intact record starts after `offset` (scanning for the marker).
    private static func hasValidFrame(in bytes: [UInt8], after offset: Int) -> Bool {
        let m0 = UInt8(JournalFormat.marker & 0xff)
        var i = offset + 1
        let last = bytes.count - JournalFormat.frameHeaderSize
        while i <= last {
            if bytes[i] == m0, case .valid = JournalFormat.checkFrame(bytes, at: i) { return true }
            i += 1
        }
        return false
    }
}
