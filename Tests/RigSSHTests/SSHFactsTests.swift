import Foundation
import RigKit
import RigModel
import RigSSH
import Testing

/// Facts gathered over SSH. The servers run on this machine, so the facts must match what this
/// machine's own /proc and /etc say.
@Suite("Host facts over SSH")
struct SSHFactsTests {
    /// What a script prints on this machine (through the engine's local transport: Foundation's
    /// Process can hang waiting for a child here).
    private func local(_ script: String) -> String {
        let log = RecordingLog()
        _ = try? LocalTransport().run(
            CommandRequest(command: Command(script), log: log, collectOutputs: false), cancellation: CancellationToken())
        return log.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func factsDescribeTheHost() throws {
        let bed = try SSHTestBed()
        let facts = try HostFactsCache.gather(
            from: "host1", through: bed.transport(), log: RecordingLog(), cancellation: CancellationToken())
        #expect(facts.osID == local(". /etc/os-release; echo $ID"))
        #expect(facts.osVersion == local(". /etc/os-release; echo $VERSION_ID"))
        #expect(facts.cpuCount == Int(local("nproc")))
        #expect(facts.memoryTotalBytes == UInt64(local("awk '/^MemTotal:/ {print $2}' /proc/meminfo")).map { $0 * 1024 })
        #expect((facts.memoryAvailableBytes ?? 0) > 0)
        #expect((facts.diskFreeBytes ?? 0) > 0)
        let swapKiB = UInt64(local("awk 'NR>1 {s+=$3} END {print s+0}' /proc/swaps")) ?? 0
        #expect(facts.swapTotalBytes == swapKiB * 1024)
        #expect(facts.swapEnabled == (swapKiB > 0))
        let expectedCIDR = local(
            """
            dev=$(ip -4 route show default | awk '{for (i=1;i<NF;i++) if ($i=="dev") {print $(i+1); exit}}')
            ip -4 -o addr show ${dev:+dev $dev} scope global | awk '{print $4; exit}'
            """)
        if expectedCIDR.isEmpty {
            #expect(facts.ipv4CIDR == nil)
        } else {
            #expect(facts.ipv4CIDR == expectedCIDR)
            #expect(facts.ipv4PrefixLength.map { (0...32).contains($0) } == true)
        }
    }

    @Test func aRunGathersEachHostsFactsOnceWhateverStepsAskAndPublishesThem() throws {
        let bed = try EngineTestBed(servers: 2)
        var registry = StepTypeRegistry.builtIns
        registry.register(FactsReadingStep())
        let (workflow, graph) = try bed.load(
            """
            name: facts
            steps:
              - id: gather
                type: facts
                on: workers
                outputs: [cpu_count, os_id, swap_enabled, ipv4_cidr]
              - id: reread
                type: test.read-facts
                on: workers
              - id: use
                type: shell
                needs: [gather, reread]
                on: workers
                with:
                  run: echo "cpus=${{ steps.gather.outputs.cpu_count }} os=${{ steps.gather.outputs.os_id }}"
            """, registry: registry)
        let running = bed.start(workflow, graph, registry: registry)
        let summary = try running.wait()
        #expect(summary.status == .succeeded, "\(summary.outcomes)")
        let cpus = Int(local("nproc")) ?? -1
        for host in ["host1", "host2"] {
            let logs = ["gather", "reread"].map { running.log(TaskID(step: $0, host: host)) }
            let probes = logs.map { $0.components(separatedBy: "# facts: gathering").count - 1 }.reduce(0, +)
            #expect(probes == 1, "facts of \(host) gathered \(probes) times")
            #expect(running.log(TaskID(step: "use", host: host)).contains("cpus=\(cpus) os="))
        }
    }
}

/// A step type that reads the facts twice through its context, as a plugin would.
struct FactsReadingStep: StepType {
    let name = "test.read-facts"
    let summary = "reads facts"
    let schema = ParameterSchema([])

    func plan(_ invocation: StepInvocation) throws -> TaskPlan { TaskPlan(actions: []) }

    func execute(_ invocation: StepInvocation, context: any TaskContext) throws -> TaskResult {
        let first = try context.facts(of: nil)
        let second = try context.facts(of: nil)
        guard first == second, first.cpuCount != nil else { throw StepFailure.failed("facts differ: \(first) \(second)") }
        return TaskResult(status: .ok)
    }
}
