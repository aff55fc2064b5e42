import Foundation
import RigKit

/// The end-of-run summary: counts by outcome, and for each failed task its last log lines and
/// the path of its full log.
struct RunReport {
    var summary: RunSummary
    var logDirectory: String
    var tailLines = 15

    var text: String {
        let counts = Dictionary(grouping: summary.outcomes.values, by: \.kind).mapValues(\.count)
        let order = ["changed", "ok", "ok_by_guard", "skipped", "failed", "interrupted"]
        let parts = order.compactMap { kind in counts[kind].map { "\($0) \(kind.replacingOccurrences(of: "_", with: " "))" } }
        var out = "\nrun \(summary.status) in \(summary.duration.short): \(parts.joined(separator: ", "))\n"
        for task in summary.failedTasks {
            guard case .failed(let failure)? = summary.outcomes[task] else { continue }
            let log = (logDirectory as NSString).appendingPathComponent("\(task.step)@\(task.host).log")
            out += "\n✗ \(task) failed: \(headline(failure))\n"
            let tail = lastLines(of: log)
            if !tail.isEmpty { out += "  last lines of its log:\n" + tail.indented(by: 4) }
            out += "  full log: \(log)\n"
        }
        return out
    }

    private func lastLines(of path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "" }
        let lines = String(decoding: data.suffix(16_384), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        return lines.suffix(tailLines + 1).joined(separator: "\n").trimmingCharacters(in: .newlines)
    }
}
