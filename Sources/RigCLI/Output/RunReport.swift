import Foundation
import RigKit

/// The end-of-run summary: counts by outcome, and for each failed task the host's address, its
/// last log lines, the path of its full log and what to do next.
struct RunReport {
    var summary: RunSummary
    var logDirectory: String
    /// Addresses of the hosts reached over SSH, by name; a failure on one names it.
    var addresses: [String: String] = [:]
    var tailLines = 15

    var text: String {
        let counts = Dictionary(grouping: summary.outcomes.values, by: \.kind).mapValues(\.count)
        let order = ["changed", "ok", "ok_by_guard", "skipped", "failed", "interrupted"]
        let parts = order.compactMap { kind in counts[kind].map { "\($0) \(kind.replacingOccurrences(of: "_", with: " "))" } }
        var out = "\nrun \(summary.status) in \(summary.duration.short): \(parts.joined(separator: ", "))\n"
        for task in summary.failedTasks {
            guard case .failed(let failure)? = summary.outcomes[task] else { continue }
            let log = (logDirectory as NSString).appendingPathComponent("\(task.step)@\(task.host).log")
            let address = addresses[task.host].map { " (\($0))" } ?? ""
            let unreachable = if case .unreachable = failure { true } else { false }
            out += "\n✗ \(task)\(unreachable ? "" : address) failed: \(headline(failure))\n"
            let tail = lastLines(of: log)
            if !tail.isEmpty { out += "  last lines of its log:\n" + tail.indented(by: 4) }
            out += "  full log: \(log)\n"
            if let next = nextStep(failure, on: "\(task.host)\(address)") { out += "  next: \(next)\n" }
        }
        return out
    }

    /// An unreachable host's message already says what to check; the others get it here.
    private func nextStep(_ failure: StepFailure, on host: String) -> String? {
        switch failure {
        case .commandFailed:
            return "fix what the log shows on \(host), then `rig resume` (only what failed or did not run reruns)"
        case .timedOut:
            return
                "see in the log what it was still waiting for on \(host); if it only needs longer, raise the step's `timeout:`, then `rig resume`"
        case .failed:
            return "fix the cause, then `rig resume`"
        case .unreachable, .cancelled:
            return nil
        }
    }

    private func lastLines(of path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "" }
        let lines = String(decoding: data.suffix(16_384), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        return lines.suffix(tailLines + 1).joined(separator: "\n").trimmingCharacters(in: .newlines)
    }
}
