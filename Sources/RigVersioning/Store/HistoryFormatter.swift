import Foundation

/// Text for `rig history` and `rig show REV`.
public enum HistoryFormatter {
    /// One block per revision, newest first:
    ///
    ///     3f2a1b9  2026-11-02 14:03  Jane Doe <jane@example.com>  (tag: prod-2026-11)
    ///         add worker node4; label gpuWorker=yes on node2
    ///         workspace 9c1d2e3, uncommitted changes
    ///         run 20261102-1403 succeeded (12 tasks)
    public static func text(_ entries: [HistoryEntry], timeZone: TimeZone = .current) -> String {
        guard !entries.isEmpty else { return "No revisions yet: `rig run` records one before it runs.\n" }
        return entries.map { entry in
            var lines = [header(entry.revision, tags: entry.tags, timeZone: timeZone), "    \(entry.revision.summary)"]
            if let workspace = entry.revision.workspace { lines.append("    \(describe(workspace))") }
            if entry.runs.isEmpty {
                lines.append("    no runs")
            } else {
                lines += entry.runs.map { "    \(describe($0))" }
            }
            return lines.joined(separator: "\n") + "\n"
        }.joined(separator: "\n")
    }

    /// `rig show REV`: the revision's header, full message and files.
    public static func show(_ revision: Revision, paths: [String], timeZone: TimeZone = .current) -> String {
        var lines = ["revision \(revision.id.hex)", "Author: \(revision.author)", "Date:   \(format(revision.date, timeZone))", ""]
        lines += revision.message.trimmingCharacters(in: .newlines).split(separator: "\n", omittingEmptySubsequences: false)
            .map { "    \($0)" }
        lines += ["", "Files:"] + paths.map { "    \($0)" }
        return lines.joined(separator: "\n") + "\n"
    }

    static func header(_ revision: Revision, tags: [String], timeZone: TimeZone) -> String {
        var text = "\(revision.shortID)  \(format(revision.date, timeZone))  \(revision.author)"
        if !tags.isEmpty { text += "  (tag: \(tags.joined(separator: ", ")))" }
        return text
    }

    static func describe(_ workspace: WorkspaceProvenance) -> String {
        let commit = workspace.commit.map { "workspace \($0.short)" } ?? "workspace without commits"
        return commit + (workspace.dirty ? ", uncommitted changes" : ", clean")
    }

    static func describe(_ run: RunRecord) -> String {
        var text = "run \(run.id) \(run.status.rawValue) (\(run.tasks.count) task\(run.tasks.count == 1 ? "" : "s")"
        let failed = run.failedTasks
        if !failed.isEmpty {
            let names = failed.prefix(3).map { "\($0.step)@\($0.host)" }.joined(separator: ", ")
            text += "; \(failed.count) failed: \(names)\(failed.count > 3 ? ", …" : "")"
        }
        return text + ")"
    }

    /// `2026-11-02 14:03` in `timeZone`, through `gmtime_r` (Foundation's Calendar costs
    /// tens of microseconds per date on Linux, which a 1,000-revision history notices).
    static func format(_ date: Date, _ timeZone: TimeZone) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down)) + time_t(timeZone.secondsFromGMT(for: date))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02d %02d:%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min)
    }
}
