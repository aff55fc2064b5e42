/// Builds the compact binary forms of the state files (journal records, the resolved-workflow
/// cache) and the canonical bytes that fingerprints hash. Little-endian, LEB128 varints,
/// length-prefixed UTF-8 strings.
struct ByteWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 128) { bytes.reserveCapacity(capacity) }

    mutating func u8(_ v: UInt8) { bytes.append(v) }

    mutating func u32(_ v: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: v))
        bytes.append(UInt8(truncatingIfNeeded: v >> 8))
        bytes.append(UInt8(truncatingIfNeeded: v >> 16))
        bytes.append(UInt8(truncatingIfNeeded: v >> 24))
    }

    mutating func u64(_ v: UInt64) {
        u32(UInt32(truncatingIfNeeded: v))
        u32(UInt32(truncatingIfNeeded: v >> 32))
    }

    mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func varint(_ v: Int) { varint(UInt64(v)) }

    /// A signed value, zigzag-encoded so small negatives stay short.
    mutating func signed(_ v: Int64) { varint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }

    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            varint(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func blob(_ b: [UInt8]) {
        varint(b.count)
        bytes.append(contentsOf: b)
    }

    mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }
}

/// Reads what `ByteWriter` wrote; every read checks bounds and throws `ByteReader.Malformed`.
struct ByteReader {
    struct Malformed: Error, Sendable, CustomStringConvertible {
        var offset: Int
        var what: String
        var description: String { "\(what) at byte \(offset)" }
    }

    let bytes: [UInt8]
    private(set) var offset: Int
    let end: Int

    init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        self.offset = start
        self.end = end ?? bytes.count
    }

    var isAtEnd: Bool { offset >= end }
    var remaining: Int { end - offset }

    private mutating func need(_ n: Int, _ what: String) throws(Malformed) {
        if n < 0 || n > end - offset { throw Malformed(offset: offset, what: "truncated \(what)") }
    }

    mutating func u8() throws(Malformed) -> UInt8 {
        try need(1, "byte")
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u32() throws(Malformed) -> UInt32 {
        try need(4, "u32")
        defer { offset += 4 }
        return UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
    }

    /// The u32 at `offset` of `bytes`, or nil when fewer than 4 bytes are there.
    static func u32(_ bytes: [UInt8], at offset: Int) -> UInt32? {
        guard offset >= 0, offset <= bytes.count - 4 else { return nil }
        return UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
    }

    mutating func u64() throws(Malformed) -> UInt64 {
        let low = try u32()
        let high = try u32()
        return UInt64(low) | UInt64(high) << 32
    }

    mutating func varint() throws(Malformed) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try u8()
            if shift == 63, byte > 1 { throw Malformed(offset: offset - 1, what: "varint overflow") }
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw Malformed(offset: offset - 1, what: "varint too long") }
        }
    }

    /// A varint that must fit an `Int` and not exceed `limit`.
    mutating func count(limit: Int = Int(Int32.max)) throws(Malformed) -> Int {
        let start = offset
        let v = try varint()
        if limit < 0 || v > UInt64(limit) { throw Malformed(offset: start, what: "count \(v) out of range") }
        return Int(v)
    }

    mutating func signed() throws(Malformed) -> Int64 {
        let v = try varint()
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }

    mutating func string() throws(Malformed) -> String {
        let n = try count(limit: remaining)
        try need(n, "string")
        defer { offset += n }
        return String(decoding: bytes[offset..<(offset + n)], as: UTF8.self)
    }

    mutating func blob() throws(Malformed) -> [UInt8] {
        let n = try count(limit: remaining)
        return try raw(n)
    }

    mutating func raw(_ n: Int) throws(Malformed) -> [UInt8] {
        try need(n, "bytes")
        defer { offset += n }
        return Array(bytes[offset..<(offset + n)])
    }

    mutating func skip(_ n: Int) throws(Malformed) {
        try need(n, "bytes")
        offset += n
    }
}
