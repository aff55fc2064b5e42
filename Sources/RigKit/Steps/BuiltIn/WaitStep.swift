import Foundation
import RigModel

/// `type: wait`: polls a script until it exits 0.
public struct WaitStep: StepType {
    public let name = "wait"
    public let summary = "Polls a script on each target host until it succeeds or a timeout passes"
    public let schema = ParameterSchema([
        .init("until", .script, required: true, description: "The script to poll (bash, -e -o pipefail); success is exit status 0."),
        .init("interval", .duration, default: "2s", description: "The pause between two polls; at least 100ms."),
        .init("timeout", .duration, default: "5m", description: "Give up, failing with the last poll's output, after this long."),
    ])

    /// Each poll starts a process (over SSH on a remote host): 10 a second is the most a wait may ask for.
    public static let minimumInterval = Duration.milliseconds(100)

    public init() {}

    public func validate(_ step: Step, context: ValidationContext) -> [Diagnostic] {
        guard let node = step.with["interval"], let value = context.render(node),
            let interval = try? DurationText.parameter(value, name: "interval", step: step.id), interval < Self.minimumInterval
        else { return [] }
        return [
            .error(
                Self.intervalTooShort(interval, step: step.id), at: node.location ?? step.fieldLocations["with"] ?? step.location,
                hint: "poll at most 10 times a second: `interval: 100ms` or more (the default is 2s)")
        ]
    }

    static func intervalTooShort(_ interval: Duration, step: String) -> String {
        "step '\(step)': `interval` is \(DurationSyntax.format(interval)), shorter than the minimum of \(DurationSyntax.format(minimumInterval))"
    }

    public func plan(_ invocation: StepInvocation) throws -> TaskPlan {
        let settings = try Settings(invocation)
        return TaskPlan(
            Command(
                ShellStep.bashScript(settings.script), become: invocation.host.become != nil,
                summary: "poll every \(settings.interval) for up to \(settings.timeout) until it exits 0"))
    }

    public func execute(_ invocation: StepInvocation, context: any TaskContext) throws -> TaskResult {
        let settings = try Settings(invocation)
        let transport = try context.transport(for: nil)
        let clock = ContinuousClock()
        let deadline = clock.now + settings.timeout
        var polls = 0
        while true {
            polls += 1
            let capture = LastOutputLog(base: context.log)
            context.log.write("# poll \(polls)\n")
            let left = clock.now.duration(to: deadline)
            let command = Command(
                ShellStep.bashScript(settings.script), become: invocation.host.become != nil, timeout: max(left, .milliseconds(1)))
            let result = Result { () throws(StepFailure) -> CommandResult in
                try transport.run(
                    CommandRequest(command: command, log: capture, collectOutputs: false), cancellation: context.cancellation)
            }
            var exitCode: Int32 = -1  // a poll that ran into the overall timeout counts as a failed poll
            switch result {
            case .success(let finished): exitCode = finished.exitCode
            case .failure(.timedOut) where !context.cancellation.isCancelled: break
            case .failure(let failure): throw failure
            }
            if exitCode == 0 { return TaskResult(status: .ok, message: "succeeded after \(polls) poll(s)") }
            guard clock.now + settings.interval < deadline else {
                let last = capture.text.trimmingCharacters(in: .whitespacesAndNewlines)
                throw StepFailure.failed(
                    "the `until` script did not succeed within \(settings.timeout) (\(polls) poll(s))"
                        + (last.isEmpty ? "" : "; its last output:\n\(last)"))
            }
            try Self.pause(settings.interval, cancellation: context.cancellation)
        }
    }

    /// Sleeps on the task's own thread, waking at once when the task is cancelled.
    static func pause(_ interval: Duration, cancellation: CancellationToken) throws {
        let woken = DispatchSemaphore(value: 0)
        let handle = cancellation.onCancel { _ in woken.signal() }
        defer { cancellation.removeHandler(handle) }
        _ = woken.wait(timeout: .now() + .nanoseconds(Int(interval.seconds * 1e9)))
        if let reason = cancellation.cancellationReason { throw StepFailure(stoppedBecause: reason) }
    }

    private struct Settings {
        var script: String
        var interval: Duration
        var timeout: Duration

        init(_ invocation: StepInvocation) throws {
            let id = invocation.step.id
            guard let script = invocation.string("until") else {
                throw StepFailure.failed("step '\(id)' (wait) needs `until`: the script to poll")
            }
            self.script = script
            interval = try DurationText.parameter(invocation.parameters["interval"], name: "interval", step: id) ?? .seconds(2)
            guard interval >= WaitStep.minimumInterval else {
                throw StepFailure.failed(WaitStep.intervalTooShort(interval, step: id) + "; poll at most 10 times a second")
            }
            timeout = try DurationText.parameter(invocation.parameters["timeout"], name: "timeout", step: id) ?? .seconds(300)
        }
    }
}

/// Forwards to the task's log and keeps the end of what went through, for a failure message.
final class LastOutputLog: TaskLog, @unchecked Sendable {
    private let base: any TaskLog
    private let lock = NSLock()
    private var kept = ""

    init(base: any TaskLog) { self.base = base }

    var path: String { base.path }
    var text: String { lock.withLock { kept } }

    func write(_ text: String) {
        base.write(text)
        lock.withLock {
            kept += text
            if kept.utf8.count > 4096 { kept = String(kept.suffix(2048)) }
        }
    }
}
