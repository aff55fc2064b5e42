import Foundation
import RigKit

/// `rig status`: a run's header and its step × host table.
struct StatusPrinter {
    var run: RunFolder
    var manifest: RunManifest
    var table: RunStatusTable

    var text: String {
        var out = RunsPrinter.describe(manifest) + "\n"
        let counts = table.counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
        out += "tasks: \(counts.joined(separator: ", "))\n\n"
        let hosts = table.hosts
        let steps = table.steps
        let cells = Dictionary(table.rows.map { ($0.task, Self.cell($0)) }, uniquingKeysWith: { a, _ in a })
        let stepWidth = max(4, steps.map(\.count).max() ?? 0)
        var widths = hosts.map { host in max(host.count, steps.map { cells[TaskID(step: $0, host: host)]?.count ?? 1 }.max() ?? 1) }
        widths = widths.map { min($0, 40) }
        out += "step".pad(stepWidth) + zip(hosts, widths).map { "  " + $0.pad($1) }.joined() + "\n"
        for step in steps {
            out += step.pad(stepWidth)
            for (host, width) in zip(hosts, widths) { out += "  " + (cells[TaskID(step: step, host: host)] ?? "-").pad(width) }
            out += "\n"
        }
        let failed = table.rows.filter { if case .failed? = $0.phase { return true } else { return false } }
        for row in failed {
            out += "\n✗ \(row.task): \(row.message ?? "failed")\n"
            if let log = row.logPath { out += "  log: \(log)\n" }
        }
        return out
    }

    static func cell(_ row: RunStatusTable.Row) -> String {
        guard let phase = row.phase else { return "not started" }
        switch phase {
        case .queued: return "not started"
        case .started: return "started, not finished"
        case .failed: return row.exitCode.map { "failed (exit \($0))" } ?? "failed"
        case .carried, .skipped(.alreadyDone): return "done earlier"
        default: return phase.description
        }
    }
}

/// `rig runs`: one line per run.
struct RunsPrinter {
    var runs: [(run: RunFolder, record: Result<RunManifest, StateError>)]

    var text: String {
        var rows = [["RUN", "STATUS", "STARTED", "DURATION", "REVISION", "RESUMED FROM"]]
        let byStart = runs.sorted { a, b in
            switch (a.record, b.record) {
            case (.success(let x), .success(let y)): return (x.startedAt, x.id) < (y.startedAt, y.id)
            default: return a.run.id < b.run.id
            }
        }
        for (run, record) in byStart {
            switch record {
            case .success(let m):
                rows.append([
                    m.id, m.effectiveStatus.rawValue, Self.time(m.startedAt), m.duration?.short ?? "-",
                    m.revision.map { String($0.prefix(12)) } ?? "-", m.resumedFrom ?? "-",
                ])
            case .failure(let error):
                rows.append([run.id, "unreadable", "-", "-", "-", "\(error)"])
            }
        }
        let widths = (0..<rows[0].count).map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            zip(row, widths).enumerated().map { i, cell in i == row.count - 1 ? cell.0 : cell.0.pad(cell.1) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
    }

    static func time(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    static func describe(_ m: RunManifest) -> String {
        var parts = ["run \(m.id): \(m.effectiveStatus)", "started \(time(m.startedAt))"]
        if let duration = m.duration { parts.append("took \(duration.short)") }
        if let revision = m.revision { parts.append("revision \(revision.prefix(12))") }
        if let from = m.resumedFrom { parts.append("resumed \(from)") }
        return parts.joined(separator: ", ") + "\nworkflow: \(m.workflowPath)"
    }
}

extension String {
    func pad(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
