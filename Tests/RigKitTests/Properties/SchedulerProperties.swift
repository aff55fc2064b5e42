import PropertyBased
import RigModel
import RigTestSupport
import Testing

@testable import RigKit

/// Random DAGs of local and remote steps: whatever the shape, `--jobs` and failures, the scheduler
/// starts every task at most once, never before its needs, and settles every task.
@Suite struct SchedulerProperties {
    typealias F = EngineFixtures

    /// A DAG of `size` steps, each needing up to three earlier ones, some on two remote hosts.
    static func randomWorkflow(size: Int, seed: UInt64) -> Workflow {
        var rng = SplitMix64(seed: seed)
        let steps = (0..<size).map { index -> Step in
            let parents =
                index == 0 ? [] : (0..<Int.random(in: 0...3, using: &rng)).map { _ in "s\(Int.random(in: 0..<index, using: &rng))" }
            let on = Int.random(in: 0..<4, using: &rng) == 0 ? ["all"] : ["local"]
            return F.step("s\(index)", needs: Array(Set(parents)).sorted(), on: on)
        }
        var inventory = F.remoteHosts("h1", "h2")
        inventory.hosts.append(InventoryHost(name: "here", address: "127.0.0.1", connection: .local))
        return Workflow(name: "random", inventory: inventory, steps: steps)
    }

    @Test func everyTaskRunsOnceAfterItsNeedsWithinJobs() async throws {
        await propertyCheck(input: Gen.int(in: 1...60), Gen.int(in: 1...8), Gen.int(in: 0...1_000_000)) { size, jobs, seed in
            let graph = try F.graph(Self.randomWorkflow(size: size, seed: UInt64(seed)))
            var order = SplitMix64(seed: UInt64(seed) &+ 1)
            let sim = SchedulerSimulation(graph, .init(jobs: jobs)) { running in Int.random(in: 0..<running.count, using: &order) }
            #expect(sim.violations.isEmpty)
            #expect(sim.starts.count == graph.taskCount)
            #expect(Set(sim.starts).count == graph.taskCount)
            #expect(sim.maxRunning <= jobs)
        }
    }

    @Test func keepGoingRunsExactlyTheTasksWhoseAncestorsAllSucceeded() async throws {
        await propertyCheck(input: Gen.int(in: 1...60), Gen.int(in: 1...8), Gen.int(in: 0...1_000_000)) { size, jobs, seed in
            let graph = try F.graph(Self.randomWorkflow(size: size, seed: UInt64(seed)))
            var rng = SplitMix64(seed: UInt64(seed) &+ 2)
            let failing = Set(graph.tasks.filter { _ in Int.random(in: 0..<5, using: &rng) == 0 }.map(\.description))
            let sim = SchedulerSimulation(graph, .init(jobs: jobs, keepGoing: true), failing: failing)
            #expect(sim.violations.isEmpty)

            // A step is blocked when one of its own tasks or one of an ancestor step's tasks failed.
            var blocked = [Bool](repeating: false, count: graph.steps.count)
            var stepFailed = [Bool](repeating: false, count: graph.steps.count)
            for (index, task) in graph.tasks.enumerated() where failing.contains(task.description) {
                stepFailed[graph.stepIndex(ofTask: index)] = true
            }
            for step in graph.steps.indices {  // randomWorkflow only lets a step need earlier ones
                blocked[step] = graph.steps[step].needs.contains { blocked[$0] || stepFailed[$0] }
            }
            let started = Set(sim.starts)
            for task in 0..<graph.taskCount {
                let step = graph.stepIndex(ofTask: task)
                #expect(started.contains(task) == !blocked[step], "task \(graph.tasks[task])")
                if blocked[step] {
                    guard case .skipped(.upstreamFailed) = sim.outcomes[task] else {
                        Issue.record(
                            "task \(graph.tasks[task]) should be skipped for a failed need, is \(String(describing: sim.outcomes[task]))")
                        continue
                    }
                }
            }
        }
    }
}
