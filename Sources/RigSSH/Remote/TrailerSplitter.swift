import Foundation

/// Splits a command's stdout into what the script printed and the wrapper's trailer, which
/// starts at a random boundary the script cannot know. Bytes that might be the start of the
/// boundary are held back until the next chunk decides.
struct TrailerSplitter {
    let boundary: [UInt8]
    private var pending: [UInt8] = []
    private(set) var trailer: [UInt8]?

    init(boundary: String) {
        self.boundary = Array(boundary.utf8)
    }

    /// Feeds a chunk; returns the bytes that belong to the script's output.
    mutating func feed(_ chunk: [UInt8]) -> [UInt8] {
        if trailer != nil {
            trailer! += chunk
            return []
        }
        pending += chunk
        if let start = Self.firstIndex(of: boundary, in: pending) {
            trailer = Array(pending[(start + boundary.count)...])
            defer { pending = [] }
            return Array(pending[..<start])
        }
        // Keep the longest tail that is a prefix of the boundary.
        var keep = min(boundary.count - 1, pending.count)
        while keep > 0 && !pending.suffix(keep).elementsEqual(boundary.prefix(keep)) { keep -= 1 }
        let out = Array(pending.dropLast(keep))
        pending = Array(pending.suffix(keep))
        return out
    }

    /// At end of stream: whatever was held back, when no trailer came.
    mutating func finish() -> [UInt8] {
        defer { pending = [] }
        return trailer == nil ? pending : []
    }

    /// The exit status and the `$RIG_OUTPUT` bytes from the trailer ` <status>\n<outputs>`.
    var parsedTrailer: (exitCode: Int32, outputs: [UInt8])? {
        guard let trailer, let newline = trailer.firstIndex(of: 10) else { return nil }
        let status = String(decoding: trailer[..<newline], as: UTF8.self).trimmingCharacters(in: .whitespaces)
        guard let code = Int32(status) else { return nil }
        return (code, Array(trailer[(newline + 1)...]))
    }

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count, let first = needle.first else { return nil }
        var index = 0
        while index <= haystack.count - needle.count {
            if haystack[index] == first && haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
