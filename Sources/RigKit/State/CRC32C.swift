/// CRC-32C (Castagnoli), the checksum of every journal record.
///
/// Chosen over a truncated SHA-256 because the journal guards against accidents (torn writes,
/// zero-filled blocks, flipped bits), not adversaries: CRC-32C detects every burst error up to
/// 32 bits and every odd number of flipped bits, misses random damage with probability 2⁻³²,
/// and costs a table lookup per byte instead of a hash per record.
enum CRC32C {
    private static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0x82F6_3B78 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) -> UInt32 {
        let end = end ?? bytes.count
        return bytes.withUnsafeBufferPointer { buffer in
            table.withUnsafeBufferPointer { t in
                var crc: UInt32 = 0xFFFF_FFFF
                var i = start
                while i < end {
                    crc = t[Int((crc ^ UInt32(buffer[i])) & 0xff)] ^ (crc >> 8)
                    i += 1
                }
                return crc ^ 0xFFFF_FFFF
            }
        }
    }
}
