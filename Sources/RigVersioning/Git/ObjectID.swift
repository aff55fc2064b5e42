import CGit2

/// A git object id (SHA-1), kept as its 40-character lowercase hex form.
public struct ObjectID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let hex: String

    /// Accepts a full 40-character hex id; use `revparse` for short ids.
    public init?(hex: String) {
        guard hex.utf8.count == 40, hex.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) || (65...70).contains($0) })
        else {
            return nil
        }
        self.hex = hex.lowercased()
    }

    init(_ oid: git_oid) {
        var oid = oid
        hex = String(unsafeUninitializedCapacity: 40) { buffer in
            buffer.withMemoryRebound(to: CChar.self) { _ = git_oid_fmt($0.baseAddress, &oid) }
            return 40
        }
    }

    init(_ pointer: UnsafePointer<git_oid>) {
        self.init(pointer.pointee)
    }

    var oid: git_oid {
        var oid = git_oid()
        _ = git_oid_fromstr(&oid, hex)
        return oid
    }

    /// The first seven characters, as `git log --oneline` shows.
    public var short: String { String(hex.prefix(7)) }

    public var description: String { hex }

    public static func < (a: ObjectID, b: ObjectID) -> Bool { a.hex < b.hex }
}

extension ObjectID {
    /// Encoded as the bare hex string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let id = ObjectID(hex: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not a 40-character object id")
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}
