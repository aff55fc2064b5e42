import Foundation
import RigModel

/// Gathers each host's facts at most once per run: the first task that asks runs the probe
/// through the host's transport, concurrent askers for the same host wait for that answer, and
/// later ones get it from memory. A failed probe is not cached (the next ask tries again).
public final class HostFactsCache: @unchecked Sendable {
    // Guards `facts` and `inFlight`.
    private let lock = NSCondition()
    private var facts: [String: HostFacts] = [:]
    private var inFlight: Set<String> = []

    public init() {}

    /// The facts of `host`, gathered through `transport` unless already known this run.
    public func facts(
        of host: InventoryHost, through transport: any Transport, log: any TaskLog, cancellation: CancellationToken
    ) throws(StepFailure) -> HostFacts {
        lock.lock()
        while inFlight.contains(host.name) { lock.wait() }
        if let known = facts[host.name] {
            lock.unlock()
            return known
        }
        inFlight.insert(host.name)
        lock.unlock()
        let gathered: Result<HostFacts, StepFailure>
        do throws(StepFailure) {
            gathered = .success(
                try Self.gather(from: "\(host.name) (\(host.address))", through: transport, log: log, cancellation: cancellation))
        } catch {
            gathered = .failure(error)
        }
        lock.lock()
        inFlight.remove(host.name)
        if case .success(let value) = gathered { facts[host.name] = value }
        lock.broadcast()
        lock.unlock()
        return try gathered.get()
    }

    /// Runs the probe once, uncached.
    /// - Parameter label: the host as messages name it, e.g. `node1 (10.0.0.5)`.
    public static func gather(
        from label: String, through transport: any Transport, log: any TaskLog, cancellation: CancellationToken
    ) throws(StepFailure) -> HostFacts {
        log.write("# facts: gathering from \(label)\n")
        let command = Command(HostFacts.probeScript, summary: "gather facts")
        let result = try transport.run(CommandRequest(command: command, log: log, collectOutputs: true), cancellation: cancellation)
        guard result.exitCode == 0 else {
            throw .commandFailed(
                exitCode: result.exitCode,
                message: "gathering facts on \(label) failed; see the task log for the host's message")
        }
        return HostFacts(probeOutputs: result.outputs)
    }
}
