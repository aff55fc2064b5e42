/// The journal's bytes on disk.
///
/// File: a 16-byte header — the magic `RIG-JOURNAL\n` and the format version (u32 LE) — then
/// records. Record: a frame of marker (u32 `0x5246_4A52`), CRC-32C (u32) over the length and
/// payload that follow, payload length (u32), then the payload: kind, a presence bitmask, task,
/// time, attempt, then each present optional field in bit order.
enum JournalFormat {
    static let magic: [UInt8] = Array("RIG-JOURNAL\n".utf8)
    static let version: UInt32 = 1
    static let headerSize = 16
    static let marker: UInt32 = 0x5246_4A52
    static let frameHeaderSize = 12
    /// No record is larger; a larger length field is damage.
    static let maxPayload = 16 << 20

    static var header: [UInt8] {
        var w = ByteWriter(capacity: headerSize)
        w.raw(magic)
        w.u32(version)
        return w.bytes
    }

    // MARK: Frames

    static func frame(_ record: JournalRecord) -> [UInt8] {
        var w = ByteWriter(capacity: 160)
        w.u32(marker)
        w.u32(0)
        w.u32(0)
        encode(record, into: &w)
        let length = UInt32(w.bytes.count - frameHeaderSize)
        w.bytes.withUnsafeMutableBytes { $0.storeBytes(of: length.littleEndian, toByteOffset: 8, as: UInt32.self) }
        let crc = CRC32C.checksum(w.bytes, from: 8)
        w.bytes.withUnsafeMutableBytes { $0.storeBytes(of: crc.littleEndian, toByteOffset: 4, as: UInt32.self) }
        return w.bytes
    }

    /// What is at `offset`: a valid frame (with its payload range), or why not.
    enum FrameCheck {
        case valid(payload: Range<Int>, next: Int)
        /// Too few bytes left for a frame header, or the length runs past the end of the file.
        case incomplete(String)
        case invalid(String)
    }

    static func checkFrame(_ bytes: [UInt8], at offset: Int) -> FrameCheck {
        let left = bytes.count - offset
        if left < frameHeaderSize { return .incomplete("\(left) bytes left, a record header needs \(frameHeaderSize)") }
        guard let mark = ByteReader.u32(bytes, at: offset), let stored = ByteReader.u32(bytes, at: offset + 4),
            let length = ByteReader.u32(bytes, at: offset + 8).map(Int.init)
        else { return .incomplete("\(left) bytes left, a record header needs \(frameHeaderSize)") }
        if mark != marker { return .invalid("no record marker") }
        if length == 0 || length > maxPayload { return .invalid("impossible record length \(length)") }
        let end = offset + frameHeaderSize + length
        if end > bytes.count { return .incomplete("record of \(length) bytes runs past the end of the file") }
        if CRC32C.checksum(bytes, from: offset + 8, to: end) != stored {
            return .invalid("checksum mismatch")
        }
        return .valid(payload: (offset + frameHeaderSize)..<end, next: end)
    }

    // MARK: Payload

    private enum Bit: Int {
        case processGroup = 0, processStartTicks, exitCode, message, logPath, fingerprint, outputs, duration, status,
            skipKind, runID, bootID, pid
    }

    private static let knownBits: UInt64 = (1 << 13) - 1

    static func encode(_ r: JournalRecord, into w: inout ByteWriter) {
        var present: UInt64 = 0
        func mark(_ bit: Bit, _ isPresent: Bool) { if isPresent { present |= 1 << UInt64(bit.rawValue) } }
        mark(.processGroup, r.processGroup != nil)
        mark(.processStartTicks, r.processStartTicks != nil)
        mark(.exitCode, r.exitCode != nil)
        mark(.message, r.message != nil)
        mark(.logPath, r.logPath != nil)
        mark(.fingerprint, r.fingerprint != nil)
        mark(.outputs, r.outputs != nil)
        mark(.duration, r.durationMicros != nil)
        mark(.status, r.status != nil)
        mark(.skipKind, r.skipKind != nil)
        mark(.runID, r.runID != nil)
        mark(.bootID, r.bootID != nil)
        mark(.pid, r.pid != nil)

        w.u8(r.kind.rawValue)
        w.varint(present)
        w.string(r.task.step)
        w.string(r.task.host)
        w.signed(r.timeMicros)
        w.varint(r.attempt)
        if let v = r.processGroup { w.signed(Int64(v)) }
        if let v = r.processStartTicks { w.varint(v) }
        if let v = r.exitCode { w.signed(Int64(v)) }
        if let v = r.message { w.string(v) }
        if let v = r.logPath { w.string(v) }
        if let f = r.fingerprint { encode(f, into: &w) }
        if let outputs = r.outputs {
            w.varint(outputs.count)
            for output in outputs {
                w.string(output.name)
                if let value = output.value {
                    w.u8(1)
                    w.string(value)
                } else {
                    w.u8(0)
                }
            }
        }
        if let v = r.durationMicros { w.signed(v) }
        if let v = r.status { w.u8(v == .changed ? 1 : 0) }
        if let v = r.skipKind { w.u8(v.rawValue) }
        if let v = r.runID { w.string(v) }
        if let v = r.bootID { w.string(v) }
        if let v = r.pid { w.signed(Int64(v)) }
    }

    static func encode(_ f: Fingerprint, into w: inout ByteWriter) {
        w.raw(f.digest)
        w.varint(f.fields.count)
        for field in f.fields {
            w.string(field.name)
            w.u64(field.hash)
        }
    }

    static func decodeFingerprint(_ r: inout ByteReader) throws(ByteReader.Malformed) -> Fingerprint {
        let digest = try r.raw(32)
        let count = try r.count(limit: r.remaining)
        var fields: [Fingerprint.Field] = []
        fields.reserveCapacity(count)
        for _ in 0..<count {
            let name = try r.string()
            fields.append(Fingerprint.Field(name: name, hash: try r.u64()))
        }
        return Fingerprint(digest: digest, fields: fields)
    }

    static func decode(_ bytes: [UInt8], payload: Range<Int>) throws(ByteReader.Malformed) -> JournalRecord {
        var r = ByteReader(bytes, from: payload.lowerBound, to: payload.upperBound)
        let kindByte = try r.u8()
        guard let kind = JournalRecord.Kind(rawValue: kindByte) else {
            throw ByteReader.Malformed(offset: payload.lowerBound, what: "unknown record kind \(kindByte)")
        }
        let present = try r.varint()
        if present & ~knownBits != 0 {
            throw ByteReader.Malformed(offset: payload.lowerBound, what: "unknown record fields")
        }
        func has(_ bit: Bit) -> Bool { present & (1 << UInt64(bit.rawValue)) != 0 }
        let step = try r.string()
        let host = try r.string()
        var record = JournalRecord(kind, task: TaskID(step: step, host: host), timeMicros: try r.signed())
        record.attempt = try r.count()
        if has(.processGroup) { record.processGroup = Int32(truncatingIfNeeded: try r.signed()) }
        if has(.processStartTicks) { record.processStartTicks = try r.varint() }
        if has(.exitCode) { record.exitCode = Int32(truncatingIfNeeded: try r.signed()) }
        if has(.message) { record.message = try r.string() }
        if has(.logPath) { record.logPath = try r.string() }
        if has(.fingerprint) { record.fingerprint = try decodeFingerprint(&r) }
        if has(.outputs) {
            let count = try r.count(limit: r.remaining)
            var outputs: [JournalRecord.Output] = []
            outputs.reserveCapacity(count)
            for _ in 0..<count {
                let name = try r.string()
                let value: String? = try r.u8() == 1 ? try r.string() : nil
                outputs.append(JournalRecord.Output(name: name, value: value))
            }
            record.outputs = outputs
        }
        if has(.duration) { record.durationMicros = try r.signed() }
        if has(.status) { record.status = try r.u8() == 1 ? .changed : .ok }
        if has(.skipKind) {
            let raw = try r.u8()
            guard let kind = JournalRecord.SkipKind(rawValue: raw) else {
                throw ByteReader.Malformed(offset: r.offset - 1, what: "unknown skip kind \(raw)")
            }
            record.skipKind = kind
        }
        if has(.runID) { record.runID = try r.string() }
        if has(.bootID) { record.bootID = try r.string() }
        if has(.pid) { record.pid = Int32(truncatingIfNeeded: try r.signed()) }
        if !r.isAtEnd { throw ByteReader.Malformed(offset: r.offset, what: "\(r.remaining) unexpected bytes after the record") }
        return record
    }
}
