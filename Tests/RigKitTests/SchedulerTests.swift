import DequeModule
import RigModel
import Testing

@testable import RigKit

/// Drives a Scheduler as the executor would, finishing running tasks oldest first, and records
/// what it saw.
struct SchedulerSimulation {
    var starts: [Int] = []
    var outcomes: [Int: TaskOutcome] = [:]
    var maxRunning = 0
    var maxPerHost: [Int: Int] = [:]
    var maxPerPool: [String: Int] = [:]
    var violations: [String] = []
    /// Each step's batch number per task start (for serial checks): index in `starts`.
    var cancelled: [Int] = []

    init(_ graph: TaskGraph, _ limits: Scheduler.Limits, failing: Set<String> = [], finishing: (Deque<Int>) -> Int = { _ in 0 }) {
        var scheduler = Scheduler(graph: graph, limits: limits)
        var running = Deque<Int>()
        var perHost: [Int: Int] = [:]
        var perPool: [String: Int] = [:]
        var stepDone = [Int](repeating: 0, count: graph.steps.count)
        func apply(_ update: Scheduler.Update) {
            for skip in update.skipped { outcomes[skip.task] = .skipped(skip.reason) }
            cancelled += update.cancel
        }
        apply(scheduler.begin())
        while true {
            while let t = scheduler.next() {
                if outcomes[t] != nil { violations.append("task \(t) started twice") }
                for need in graph.steps[graph.stepIndex(ofTask: t)].needs where stepDone[need] != graph.steps[need].tasks.count {
                    violations.append("task \(t) started before step \(need) finished")
                }
                starts.append(t)
                outcomes[t] = .interrupted  // placeholder until it finishes
                running.append(t)
                maxRunning = max(maxRunning, running.count)
                let h = graph.hostIndex(ofTask: t)
                perHost[h, default: 0] += 1
                maxPerHost[h] = max(maxPerHost[h] ?? 0, perHost[h]!)
                if let pool = graph.step(ofTask: t).pool {
                    perPool[pool, default: 0] += 1
                    maxPerPool[pool] = max(maxPerPool[pool] ?? 0, perPool[pool]!)
                }
            }
            guard !running.isEmpty else { break }
            let t = running.remove(at: finishing(running))
            let succeeded = !failing.contains(graph.tasks[t].description)
            outcomes[t] = succeeded ? .succeeded(.changed) : .failed(.failed("planned"))
            perHost[graph.hostIndex(ofTask: t)]! -= 1
            if let pool = graph.step(ofTask: t).pool { perPool[pool]! -= 1 }
            stepDone[graph.stepIndex(ofTask: t)] += 1
            apply(scheduler.finish(t, succeeded: succeeded))
        }
        if !scheduler.isComplete { violations.append("scheduler not complete") }
        if outcomes.count != graph.taskCount { violations.append("\(graph.taskCount - outcomes.count) tasks never settled") }
    }

    func outcome(_ graph: TaskGraph, _ step: String, _ host: String = "local") -> TaskOutcome? {
        outcomes[graph.index(of: TaskID(step: step, host: host))!]
    }
}

@Suite struct SchedulerTests {
    typealias F = EngineFixtures

    @Test func hundredThousandTaskChainRunsEveryTaskOnceAfterItsNeeds() throws {
        let n = 100_000
        let graph = try F.graph(Workflow(name: "chain", steps: (0..<n).map { F.step("s\($0)", needs: $0 == 0 ? [] : ["s\($0 - 1)"]) }))
        let sim = SchedulerSimulation(graph, .init(jobs: 8))
        #expect(sim.violations.isEmpty)
        #expect(sim.starts == Array(0..<n))
        #expect(sim.maxRunning == 1)
    }

    @Test func hundredThousandTaskFanRunsEveryTaskOnceWithinJobs() throws {
        let n = 100_000
        let graph = try F.graph(
            Workflow(
                name: "fan",
                steps: [F.step("root")] + (1..<n).map { F.step("s\($0)", needs: ["root"]) } + [
                    F.step("join", needs: (1..<n).map { "s\($0)" })
                ]))
        let sim = SchedulerSimulation(graph, .init(jobs: 8))
        #expect(sim.violations.isEmpty)
        #expect(sim.starts.count == n + 1)
        #expect(Set(sim.starts).count == n + 1)
        #expect(sim.starts.first == 0)
        #expect(sim.starts.last == n)
        #expect(sim.maxRunning == 8)
    }

    @Test func longChainsStartFirst() throws {
        let graph = try F.graph(
            Workflow(
                name: "w",
                steps: [
                    F.step("short"), F.step("long1"), F.step("long2", needs: ["long1"]), F.step("long3", needs: ["long2"]),
                ]))
        let sim = SchedulerSimulation(graph, .init(jobs: 1))
        #expect(sim.starts.first == graph.index(of: TaskID(step: "long1", host: "local")))
    }

    @Test func remoteHostsRunOneTaskAtATimeAndLocalOnlyByJobs() throws {
        var inventory = F.remoteHosts("h1", "h2")
        inventory.hosts.append(InventoryHost(name: "here", address: "127.0.0.1", connection: .local))
        let graph = try F.graph(Workflow(name: "w", inventory: inventory, steps: (0..<6).map { F.step("s\($0)", on: ["all"]) }))
        let sim = SchedulerSimulation(graph, .init(jobs: 8))
        #expect(sim.violations.isEmpty)
        let index = Dictionary(uniqueKeysWithValues: graph.hosts.enumerated().map { ($1.name, $0) })
        #expect(sim.maxPerHost[index["h1"]!] == 1)
        #expect(sim.maxPerHost[index["h2"]!] == 1)
        #expect(sim.maxPerHost[index["here"]!] == 6)
        #expect(sim.maxRunning == 8)
    }

    @Test func hostAndStepLimitsOverrideTheDefault() throws {
        var inventory = F.remoteHosts("h1")
        inventory.hosts[0].maxConcurrentTasks = 3
        let steps = (0..<6).map { F.step("s\($0)", on: ["h1"]) }
        let graph = try F.graph(Workflow(name: "w", inventory: inventory, steps: steps))
        #expect(SchedulerSimulation(graph, .init(jobs: 8)).maxPerHost[0] == 3)

        var perStep = steps
        for i in perStep.indices { perStep[i].hostConcurrency = 2 }
        let stepGraph = try F.graph(Workflow(name: "w", inventory: F.remoteHosts("h1"), steps: perStep))
        #expect(SchedulerSimulation(stepGraph, .init(jobs: 8)).maxPerHost[0] == 2)
        #expect(SchedulerSimulation(stepGraph, .init(jobs: 8, defaultRemoteHostLimit: 4)).maxPerHost[0] == 2)
    }

    @Test func poolsBoundTheirStepsAcrossHosts() throws {
        var steps = (0..<5).map { F.step("apt\($0)", on: ["all"]) }
        for i in steps.indices { steps[i].pool = "apt" }
        steps.append(F.step("free", on: ["all"]))
        let graph = try F.graph(Workflow(name: "w", inventory: F.remoteHosts("h1", "h2", "h3"), pools: ["apt": 2], steps: steps))
        let sim = SchedulerSimulation(graph, .init(jobs: 8, pools: ["apt": 2]))
        #expect(sim.violations.isEmpty)
        #expect(sim.maxPerPool["apt"] == 2)
        #expect(sim.starts.count == graph.taskCount)
    }

    @Test func aTaskWaitingForItsHostDoesNotBlockOtherHosts() throws {
        // h1 gets a long chain of high-priority work; h2's single task must still start at once.
        let steps = [
            F.step("a", on: ["h1"]), F.step("b", on: ["h1"]), F.step("c", on: ["h1"]), F.step("d", on: ["h1"]),
            F.step("z", on: ["h2"]),
        ]
        let graph = try F.graph(Workflow(name: "w", inventory: F.remoteHosts("h1", "h2"), steps: steps))
        var scheduler = Scheduler(graph: graph, limits: .init(jobs: 8))
        _ = scheduler.begin()
        var first: [Int] = []
        while let t = scheduler.next() { first.append(t) }
        #expect(first.map { graph.tasks[$0].description } == ["a@h1", "z@h2"])
        // Releasing h1 brings back exactly one of its parked tasks.
        _ = scheduler.finish(first[0], succeeded: true)
        #expect(scheduler.next().map { graph.tasks[$0].description } == "b@h1")
        #expect(scheduler.next() == nil)
    }

    @Test func serialBatchesFinishBeforeTheNextStarts() throws {
        let inventory = F.remoteHosts("h1", "h2", "h3", "h4", "h5")
        var step = F.step("roll", on: ["all"])
        step.serial = .count(2)
        step.hostConcurrency = 1
        let graph = try F.graph(Workflow(name: "w", inventory: inventory, steps: [step]))
        var scheduler = Scheduler(graph: graph, limits: .init(jobs: 8))
        _ = scheduler.begin()
        var batches: [[Int]] = []
        while !scheduler.isComplete {
            var batch: [Int] = []
            while let t = scheduler.next() { batch.append(t) }
            batches.append(batch)
            for t in batch { _ = scheduler.finish(t, succeeded: true) }
        }
        #expect(batches == [[0, 1], [2, 3], [4]])

        step.serial = .percent(40)
        let percentGraph = try F.graph(Workflow(name: "w", inventory: inventory, steps: [step]))
        var percent = Scheduler(graph: percentGraph, limits: .init(jobs: 8))
        _ = percent.begin()
        var firstBatch: [Int] = []
        while let t = percent.next() { firstBatch.append(t) }
        #expect(firstBatch == [0, 1])
    }

    @Test func aFailedSerialBatchStopsTheRollout() throws {
        var step = F.step("roll", on: ["all"])
        step.serial = .count(1)
        let graph = try F.graph(
            Workflow(name: "w", inventory: F.remoteHosts("h1", "h2", "h3"), steps: [step, F.step("other", on: ["h3"])]))
        let sim = SchedulerSimulation(graph, .init(jobs: 8, keepGoing: true), failing: ["roll@h1"])
        #expect(sim.outcome(graph, "roll", "h2") == .skipped(.upstreamFailed("roll@h1")))
        #expect(sim.outcome(graph, "other", "h3") == .succeeded(.changed))
    }

    @Test func failFastSkipsEverythingNotStartedAndLetsRunningTasksFinish() throws {
        let graph = try F.graph(
            Workflow(
                name: "w",
                steps: [
                    F.step("a"), F.step("b", needs: ["a"]), F.step("c"), F.step("d"), F.step("e"),
                ]))
        // jobs 2: a (longest chain) and c start; a fails first.
        let sim = SchedulerSimulation(graph, .init(jobs: 2), failing: ["a@local"])
        #expect(sim.violations.isEmpty)
        #expect(sim.outcome(graph, "a") == .failed(.failed("planned")))
        #expect(sim.outcome(graph, "b") == .skipped(.upstreamFailed("a@local")))
        #expect(sim.outcome(graph, "c") == .succeeded(.changed))
        #expect(sim.outcome(graph, "d") == .skipped(.runStopped))
        #expect(sim.outcome(graph, "e") == .skipped(.runStopped))
    }

    @Test func oneHostFailingStopsTheRunButNotTheOtherHostsOfItsStep() throws {
        let graph = try F.graph(
            Workflow(
                name: "w", inventory: F.remoteHosts("h1", "h2", "h3"),
                steps: [
                    F.step("fan", on: ["all"]), F.step("next", needs: ["fan"], on: ["all"]), F.step("unrelated", on: ["h1"]),
                ]))
        // jobs 1: fan@h1 fails while fan@h2 and fan@h3 still wait for a slot.
        let sim = SchedulerSimulation(graph, .init(jobs: 1), failing: ["fan@h1"])
        #expect(sim.violations.isEmpty)
        #expect(sim.outcome(graph, "fan", "h2") == .succeeded(.changed))
        #expect(sim.outcome(graph, "fan", "h3") == .succeeded(.changed))
        #expect(sim.outcome(graph, "next", "h2") == .skipped(.upstreamFailed("fan@h1")))
        #expect(sim.outcome(graph, "unrelated", "h1") == .skipped(.runStopped))
    }

    @Test func stoppingTheRunAfterAFailureAlsoSkipsTheFailedStepsWaitingHosts() throws {
        let graph = try F.graph(Workflow(name: "w", inventory: F.remoteHosts("h1", "h2", "h3"), steps: [F.step("fan", on: ["all"])]))
        var scheduler = Scheduler(graph: graph, limits: .init(jobs: 1))
        _ = scheduler.begin()
        let first = scheduler.next()!
        _ = scheduler.finish(first, succeeded: false)
        let update = scheduler.stop()
        #expect(update.skipped.count == 2 && update.skipped.allSatisfy { $0.reason == .runStopped })
        #expect(scheduler.next() == nil)
        #expect(scheduler.isComplete)
    }

    @Test func keepGoingRunsEveryBranchThatDoesNotNeedTheFailure() throws {
        let graph = try F.graph(
            Workflow(
                name: "w",
                steps: [
                    F.step("a"), F.step("b", needs: ["a"]), F.step("c", needs: ["b"]), F.step("d"), F.step("e", needs: ["d"]),
                ]))
        let sim = SchedulerSimulation(graph, .init(jobs: 1, keepGoing: true), failing: ["a@local"])
        #expect(sim.outcome(graph, "b") == .skipped(.upstreamFailed("a@local")))
        #expect(sim.outcome(graph, "c") == .skipped(.upstreamFailed("a@local")))
        #expect(sim.outcome(graph, "d") == .succeeded(.changed))
        #expect(sim.outcome(graph, "e") == .succeeded(.changed))
    }

    @Test func anyErrorsFatalCancelsTheStepsOtherHosts() throws {
        var step = F.step("s", on: ["all"])
        step.anyErrorsFatal = true
        step.hostConcurrency = 1
        var inventory = F.remoteHosts("h1", "h2", "h3")
        inventory.hosts[2].maxConcurrentTasks = 1
        let graph = try F.graph(Workflow(name: "w", inventory: inventory, steps: [step]))
        var scheduler = Scheduler(graph: graph, limits: .init(jobs: 2, keepGoing: true))
        _ = scheduler.begin()
        let a = scheduler.next()!
        let b = scheduler.next()!
        #expect(scheduler.next() == nil)
        let update = scheduler.finish(a, succeeded: false)
        #expect(update.cancel == [b])
        #expect(update.skipped == [Scheduler.Skip(task: 2, reason: .upstreamFailed(graph.tasks[a].description))])
        _ = scheduler.finish(b, succeeded: false)
        #expect(scheduler.isComplete)
    }

    @Test func aStepWithNoHostsPassesStraightThrough() throws {
        let graph = try F.graph(
            Workflow(
                name: "w",
                steps: [
                    F.step("a"), F.step("empty", needs: ["a"], on: ["nobody"]), F.step("c", needs: ["empty"]),
                ]))
        let sim = SchedulerSimulation(graph, .init(jobs: 4))
        #expect(sim.violations.isEmpty)
        #expect(sim.starts.map { graph.tasks[$0].step } == ["a", "c"])
    }

    @Test func stopSkipsWaitingTasksAsRunStopped() throws {
        let graph = try F.graph(Workflow(name: "w", steps: [F.step("a"), F.step("b", needs: ["a"]), F.step("c")]))
        var scheduler = Scheduler(graph: graph, limits: .init(jobs: 1))
        _ = scheduler.begin()
        let first = scheduler.next()!
        let update = scheduler.stop()
        #expect(Set(update.skipped.map(\.task)) == Set([0, 1, 2]).subtracting([first]))
        #expect(update.skipped.allSatisfy { $0.reason == .runStopped })
        #expect(scheduler.next() == nil)
        _ = scheduler.finish(first, succeeded: true)
        #expect(scheduler.isComplete)
    }
}
