import OrderedCollections
import RigModel

/// The byte form that fingerprints hash: explicit type tags, map keys sorted by their UTF-8 bytes,
/// fixed integer and float encodings. It depends on nothing but the values, so a fingerprint is
/// stable across runs, machines and Swift versions (dictionary order and `String` comparison rules
/// never enter).
enum CanonicalEncoding {
    private enum Tag: UInt8 {
        case null = 0, bool, int, double, string, list, map
    }

    static func encode(_ value: Value, into writer: inout ByteWriter) {
        switch value {
        case .null:
            writer.u8(Tag.null.rawValue)
        case .bool(let b):
            writer.u8(Tag.bool.rawValue)
            writer.u8(b ? 1 : 0)
        case .int(let i):
            writer.u8(Tag.int.rawValue)
            writer.signed(Int64(i))
        case .double(let d):
            writer.u8(Tag.double.rawValue)
            let normalized = d.isNaN ? Double.nan : (d == 0 ? 0 : d)
            writer.u64(normalized.bitPattern)
        case .string(let s):
            writer.u8(Tag.string.rawValue)
            writer.string(s)
        case .list(let items):
            writer.u8(Tag.list.rawValue)
            writer.varint(items.count)
            for item in items { encode(item, into: &writer) }
        case .map(let entries):
            writer.u8(Tag.map.rawValue)
            writer.varint(entries.count)
            for (key, value) in sortedByUTF8(entries) {
                writer.string(key)
                encode(value, into: &writer)
            }
        }
    }

    /// Reads a value back (map keys come back sorted).
    static func decode(_ reader: inout ByteReader, depth: Int = 0) throws(ByteReader.Malformed) -> Value {
        if depth > 200 { throw ByteReader.Malformed(offset: reader.offset, what: "value nested too deeply") }
        let start = reader.offset
        guard let tag = Tag(rawValue: try reader.u8()) else { throw ByteReader.Malformed(offset: start, what: "unknown value tag") }
        switch tag {
        case .null: return .null
        case .bool: return .bool(try reader.u8() != 0)
        case .int: return .int(Int(truncatingIfNeeded: try reader.signed()))
        case .double: return .double(Double(bitPattern: try reader.u64()))
        case .string: return .string(try reader.string())
        case .list:
            let count = try reader.count(limit: reader.remaining)
            var items: [Value] = []
            items.reserveCapacity(count)
            for _ in 0..<count { items.append(try decode(&reader, depth: depth + 1)) }
            return .list(items)
        case .map:
            let count = try reader.count(limit: reader.remaining)
            var entries: OrderedDictionary<String, Value> = [:]
            for _ in 0..<count {
                let key = try reader.string()
                entries[key] = try decode(&reader, depth: depth + 1)
            }
            return .map(entries)
        }
    }

    static func bytes(_ value: Value) -> [UInt8] {
        var writer = ByteWriter()
        encode(value, into: &writer)
        return writer.bytes
    }

    static func bytes(_ text: String) -> [UInt8] { bytes(.string(text)) }

    static func sortedByUTF8<V>(_ entries: OrderedDictionary<String, V>) -> [(key: String, value: V)] {
        entries.map { ($0.key, $0.value) }.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
    }
}
