import Foundation
import RigKit

/// Shows a run's progress: a live status line on a terminal, one line per event otherwise,
/// or JSON lines with `--output json`. When the output goes away (a closed pipe, a hung-up
/// terminal) the progress stops and the run carries on.
final class ProgressReporter: ExecutionObserver, @unchecked Sendable {
    enum Style {
        case live
        case lines
        case json
    }

    private let style: Style
    private let total: Int
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private let out: Int32
    // Guards the counters below and the terminal line; events arrive from the engine's queue.
    private let lock = NSLock()
    private var running: [TaskID: ContinuousClock.Instant] = [:]
    private var finished = 0
    private var failed = 0
    private var statusLineShown = false
    private var outputGone = false
    private var ticker: DispatchSourceTimer?

    init(style: Style, totalTasks: Int, output: Int32 = STDOUT_FILENO) {
        self.style = style
        self.total = totalTasks
        self.out = output
        self.start = clock.now
        if style == .live {
            let timer = DispatchSource.makeTimerSource(queue: .global())
            timer.schedule(deadline: .now() + 1, repeating: 1)
            timer.setEventHandler { [weak self] in self?.redraw() }
            timer.resume()
            ticker = timer
        }
    }

    static func style(for format: OutputFormat) -> Style {
        if format == .json { return .json }
        return Terminal.stdoutIsTerminal ? .live : .lines
    }

    func event(_ e: ExecutionEvent) {
        lock.withLock {
            switch e {
            case .queued(let task):
                if style == .json { emitJSON(["event": "queued", "task": task.description]) }
            case .started(let task, let attempt, let logPath):
                running[task] = clock.now
                switch style {
                case .json: emitJSON(["event": "started", "task": task.description, "attempt": attempt, "log": logPath])
                case .lines: emitLine("start  \(task)" + (attempt > 1 ? " (attempt \(attempt))" : ""))
                case .live: drawStatus()
                }
            case .retrying(let task, let attempt, let delay, let failure):
                switch style {
                case .json:
                    emitJSON([
                        "event": "retrying", "task": task.description, "attempt": attempt,
                        "delay_seconds": delay.seconds, "error": failure.description,
                    ])
                case .lines, .live: emitLine("retry  \(task) in \(delay.short) after attempt \(attempt): \(headline(failure))")
                }
            case .finished(let task, let outcome, let duration):
                running[task] = nil
                finished += 1
                if case .failed = outcome { failed += 1 }
                switch style {
                case .json:
                    emitJSON([
                        "event": "finished", "task": task.description, "outcome": outcome.kind,
                        "detail": outcome.description, "duration_seconds": duration.seconds,
                    ])
                case .lines, .live:
                    if case .skipped(.alreadyDone) = outcome, style == .live {
                        drawStatus()
                        return
                    }
                    emitLine("\(outcome.symbol) \(task)  \(headline(outcome))  \(duration.short)")
                }
            case .runFinished(let status, let duration):
                ticker?.cancel()
                switch style {
                case .json: emitJSON(["event": "run_finished", "status": status.description, "duration_seconds": duration.seconds])
                case .lines, .live: clearStatus()
                }
            }
        }
    }

    private func redraw() { lock.withLock { drawStatus() } }

    // Call with `lock` held.
    private func drawStatus() {
        guard style == .live else { return }
        let elapsed = (clock.now - start).short
        let names = running.keys.sorted().prefix(4).map(\.description).joined(separator: ", ")
        let more = running.count > 4 ? " +\(running.count - 4)" : ""
        var line = "[\(elapsed)] \(finished)/\(total) done"
        if failed > 0 { line += ", \(failed) failed" }
        line += running.isEmpty ? "" : " · running \(running.count): \(names)\(more)"
        let width = Terminal.columns
        if line.count > width - 1 { line = String(line.prefix(width - 2)) + "…" }
        write(Data("\r\u{1B}[2K\(line)".utf8))
        statusLineShown = true
    }

    private func clearStatus() {
        if statusLineShown {
            write(Data("\r\u{1B}[2K".utf8))
            statusLineShown = false
        }
    }

    private func emitLine(_ text: String) {
        clearStatus()
        write(Data((style == .lines ? "[\((clock.now - start).short)] " : "").utf8 + Data((text + "\n").utf8)))
        if style == .live { drawStatus() }
    }

    private func emitJSON(_ object: [String: Any]) {
        var object = object
        object["elapsed_seconds"] = (clock.now - start).seconds
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        write(data + Data("\n".utf8))
    }

    // Call with `lock` held. After the first failed write the rest are dropped.
    private func write(_ data: Data) {
        guard !outputGone else { return }
        if !Terminal.write(data, to: out) {
            outputGone = true
            ticker?.cancel()
        }
    }
}

extension TaskOutcome {
    /// A stable one-word name for JSON output.
    var kind: String {
        switch self {
        case .succeeded(let status): return status.rawValue
        case .okByGuard: return "ok_by_guard"
        case .skipped: return "skipped"
        case .failed: return "failed"
        case .interrupted: return "interrupted"
        }
    }

    var symbol: String {
        switch self {
        case .succeeded(.changed): return "✓"
        case .succeeded(.ok), .okByGuard: return "="
        case .skipped: return "-"
        case .failed: return "✗"
        case .interrupted: return "!"
        }
    }
}

extension Duration {
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }

    /// `0.4s`, `12s`, `3m05s`, `1h02m`.
    var short: String {
        let total = seconds
        if total < 10 { return String(format: "%.1fs", total) }
        let whole = Int(total)
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return String(format: "%dm%02ds", whole / 60, whole % 60) }
        return String(format: "%dh%02dm", whole / 3600, (whole % 3600) / 60)
    }
}
