import Foundation

/// The `key=value` lines a script writes to `$RIG_OUTPUT`; later lines win, lines without `=`
/// are ignored.
enum OutputLines {
    static func parse(_ bytes: [UInt8]) -> [String: String] {
        var outputs: [String: String] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true) {
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<equals]).trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else { continue }
            var value = line[line.index(after: equals)...]
            if value.hasSuffix("\r") { value = value.dropLast() }
            outputs[key] = String(value)
        }
        return outputs
    }
}
