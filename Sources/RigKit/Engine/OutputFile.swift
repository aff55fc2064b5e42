import OrderedCollections

/// The `$RIG_OUTPUT` file a step writes: `key=value` lines, or `key<<DELIMITER` followed by
/// lines and a line holding only `DELIMITER` for a multi-line value (as GitHub Actions does).
public enum OutputFile {
    /// The reserved output that turns a successful task's status from "changed" into "ok".
    public static let changedKey = "rig.changed"

    public static func parse(_ text: String) -> OrderedDictionary<String, String> {
        var outputs: OrderedDictionary<String, String> = [:]
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)[...]
        while let raw = lines.popFirst() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if let marker = line.range(of: "<<"), !line[..<marker.lowerBound].contains("=") {
                let key = line[..<marker.lowerBound].trimmingSpaces
                let delimiter = line[marker.upperBound...].trimmingSpaces
                guard !key.isEmpty, !delimiter.isEmpty else { continue }
                var body: [Substring] = []
                while let next = lines.popFirst() {
                    let candidate = next.hasSuffix("\r") ? next.dropLast() : next
                    if candidate == delimiter { break }
                    body.append(candidate)
                }
                outputs[key] = body.joined(separator: "\n")
            } else if let eq = line.firstIndex(of: "=") {
                let key = line[..<eq].trimmingSpaces
                guard !key.isEmpty else { continue }
                outputs[key] = String(line[line.index(after: eq)...])
            }
        }
        return outputs
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
