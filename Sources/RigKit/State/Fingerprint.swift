import Crypto

/// The SHA-256 of a task's normalized definition plus the fingerprints of the tasks it needs,
/// with a hash per field so a resume can say *which* field changed.
///
/// A task whose fingerprint equals the one journaled with its success, and whose upstream tasks
/// are all skipped too, is done. See `TaskDefinition` for what goes in and what stays out.
public struct Fingerprint: Sendable, Hashable, CustomStringConvertible {
    /// One field's hash: the first 8 bytes of its SHA-256, enough to tell a change, small enough to journal.
    public struct Field: Sendable, Hashable {
        public var name: String
        public var hash: UInt64

        public init(name: String, hash: UInt64) {
            self.name = name
            self.hash = hash
        }
    }

    /// Bumped whenever the canonical encoding changes; part of every digest.
    public static let schemeVersion = 1

    /// The SHA-256 digest, 32 bytes.
    public var digest: [UInt8]
    /// Per-field hashes, sorted by field name.
    public var fields: [Field]

    public init(digest: [UInt8], fields: [Field]) {
        self.digest = digest
        self.fields = fields
    }

    /// The digest in lowercase hex, as `PreparedTask.fingerprint` carries it.
    public var hex: String { Hex.encode(digest) }

    public var description: String { String(hex.prefix(12)) }

    /// The names of fields that differ from `old`, including fields added or removed, sorted.
    public func changedFields(since old: Fingerprint) -> [String] {
        var before: [String: UInt64] = [:]
        for field in old.fields { before[field.name] = field.hash }
        var changed: [String] = []
        for field in fields {
            if before.removeValue(forKey: field.name) != field.hash { changed.append(field.name) }
        }
        changed.append(contentsOf: before.keys)
        return changed.sorted()
    }

    /// Hashes named fields (each given as its canonical bytes) into a fingerprint.
    static func combine(_ fieldBytes: [(name: String, bytes: [UInt8])]) -> Fingerprint {
        let sorted = fieldBytes.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
        var whole = ByteWriter(capacity: 64 + sorted.count * 48)
        whole.string("rig.fingerprint.v\(schemeVersion)")
        var fields: [Field] = []
        fields.reserveCapacity(sorted.count)
        for (name, bytes) in sorted {
            var input = ByteWriter(capacity: bytes.count + name.utf8.count + 4)
            input.string(name)
            input.raw(bytes)
            let fieldDigest = Array(SHA256.hash(data: input.bytes))
            var prefix: UInt64 = 0
            for i in 0..<8 { prefix = prefix << 8 | UInt64(fieldDigest[i]) }
            fields.append(Field(name: name, hash: prefix))
            whole.string(name)
            whole.raw(fieldDigest)
        }
        return Fingerprint(digest: Array(SHA256.hash(data: whole.bytes)), fields: fields)
    }
}
