import HeapModule
import RigModel

/// Decides which task starts next: dependencies, priorities and every concurrency limit, with no
/// I/O, so it can be tested alone. The executor calls it from one serial queue.
///
/// Ready tasks wait in a heap ordered by critical-path length. A task whose host or pool is
/// saturated is parked on that resource, so it never blocks others and is never rescanned; each
/// release moves back only a task that can use the freed slot. Every operation is O(log n)
/// amortized, plus O(n) once when the run stops.
public struct Scheduler: Sendable {
    /// The limits a run is scheduled under.
    public struct Limits: Sendable, Hashable {
        /// Tasks running at once, over all hosts.
        public var jobs: Int
        /// Tasks at once on a host reached over SSH, unless the host or step says otherwise.
        public var defaultRemoteHostLimit: Int
        /// Depth of each named pool; a step naming an undeclared pool gets depth 1.
        public var pools: [String: Int]
        /// After a failure, keep running everything that does not depend on it.
        public var keepGoing: Bool

        public init(jobs: Int, defaultRemoteHostLimit: Int = 1, pools: [String: Int] = [:], keepGoing: Bool = false) {
            self.jobs = max(1, jobs)
            self.defaultRemoteHostLimit = max(1, defaultRemoteHostLimit)
            self.pools = pools
            self.keepGoing = keepGoing
        }
    }

    /// A task settled without running.
    public struct Skip: Sendable, Hashable {
        public var task: Int
        public var reason: TaskOutcome.SkipReason
    }

    /// What a scheduling decision changed besides the task it was about.
    public struct Update: Sendable {
        /// Tasks that will never run, and why.
        public var skipped: [Skip] = []
        /// Running tasks to cancel (a sibling failed in a step with `anyErrorsFatal`).
        public var cancel: [Int] = []
        /// Tasks whose needs are now met (they may still wait for a free slot).
        public var released: [Int] = []
    }

    private enum State: UInt8 { case waiting, ready, parked, running, done }

    /// Max-heap order: higher priority first, then declaration order.
    private struct Entry: Comparable {
        var priority: Int
        var task: Int32
        static func < (a: Entry, b: Entry) -> Bool {
            a.priority != b.priority ? a.priority < b.priority : a.task > b.task
        }
    }

    public let graph: TaskGraph
    public let limits: Limits

    private var state: [State]
    private var ready = Heap<Entry>()
    private var running = 0
    private var settled = 0
    private var stopped = false

    private var hostLimit: [Int]
    private var hostRunning: [Int]
    /// Parked tasks per host, by the limit each is admitted under (a step's `hostConcurrency` may differ).
    private var hostParked: [[Int: Heap<Entry>]]
    private var poolDepth: [Int]
    private var poolRunning: [Int]
    private var poolParked: [Heap<Entry>]
    private var stepPool: [Int32]

    private var unmetNeeds: [Int]
    private var remaining: [Int]
    private var failed: [Bool]
    private var doomed: [Bool]
    private var complete: [Bool]
    /// Steps whose other hosts still run after the run stopped for one host's failure (fail-fast
    /// stops the workflow, not the hosts of the failing step, unless it is `anyErrorsFatal`).
    private var spared: [Bool]
    /// Serial steps: batch size (0 = not serial), next unreleased offset, tasks of the batch still out.
    private var batchSize: [Int]
    private var batchNext: [Int]
    private var batchOutstanding: [Int]

    public init(graph: TaskGraph, limits: Limits) {
        self.graph = graph
        self.limits = limits
        let taskCount = graph.taskCount
        let stepCount = graph.steps.count
        state = Array(repeating: .waiting, count: taskCount)

        hostLimit = graph.hosts.map { host in
            max(1, host.maxConcurrentTasks ?? (host.connection == .ssh ? limits.defaultRemoteHostLimit : limits.jobs))
        }
        hostRunning = Array(repeating: 0, count: graph.hosts.count)
        hostParked = Array(repeating: [:], count: graph.hosts.count)

        var poolIndex: [String: Int32] = [:]
        var depths: [Int] = []
        stepPool = graph.steps.map { node in
            guard let name = node.step.pool else { return -1 }
            if let known = poolIndex[name] { return known }
            let i = Int32(depths.count)
            poolIndex[name] = i
            depths.append(max(1, limits.pools[name] ?? 1))
            return i
        }
        poolDepth = depths
        poolRunning = Array(repeating: 0, count: depths.count)
        poolParked = Array(repeating: Heap(), count: depths.count)

        unmetNeeds = graph.steps.map(\.needs.count)
        remaining = graph.steps.map(\.tasks.count)
        failed = Array(repeating: false, count: stepCount)
        doomed = Array(repeating: false, count: stepCount)
        complete = Array(repeating: false, count: stepCount)
        spared = Array(repeating: false, count: stepCount)
        batchSize = graph.steps.map { node in
            let hosts = node.tasks.count
            switch node.step.serial {
            case nil: return 0
            case .count(let n): return max(1, n)
            case .percent(let p): return max(1, (max(0, p) * hosts + 99) / 100)
            }
        }
        batchNext = Array(repeating: 0, count: stepCount)
        batchOutstanding = Array(repeating: 0, count: stepCount)
    }

    /// Every task has finished or been skipped.
    public var isComplete: Bool { settled == state.count }
    public var runningCount: Int { running }
    public var isStopped: Bool { stopped }

    /// Whether `task` may still start (or retry): always before the run stops; afterwards only
    /// the other hosts of a step that failed on one host.
    public func mayStart(_ task: Int) -> Bool {
        !stopped || spared[graph.stepIndex(ofTask: task)]
    }

    /// Releases the steps that need nothing. Call once, before `next()`.
    public mutating func begin() -> Update {
        var update = Update()
        var work: [Int] = []
        for s in graph.steps.indices where unmetNeeds[s] == 0 { releaseStep(s, &update, &work) }
        completeSteps(work, &update)
        return update
    }

    /// The next task to start, marked running, or nil when none can start now.
    public mutating func next() -> Int? {
        while running < limits.jobs, let entry = ready.popMax() {
            let t = Int(entry.task)
            guard state[t] == .ready, mayStart(t) else { continue }
            let h = graph.hostIndex(ofTask: t)
            let limit = hostLimit(forTask: t, host: h)
            if hostRunning[h] >= limit {
                hostParked[h][limit, default: Heap()].insert(entry)
                state[t] = .parked
                continue
            }
            let p = Int(stepPool[graph.stepIndex(ofTask: t)])
            if p >= 0, poolRunning[p] >= poolDepth[p] {
                poolParked[p].insert(entry)
                state[t] = .parked
                // The host had room this task could not use: let a task parked there try again.
                wakeHost(h)
                continue
            }
            state[t] = .running
            running += 1
            hostRunning[h] += 1
            if p >= 0 { poolRunning[p] += 1 }
            return t
        }
        return nil
    }

    /// Records that a running task ended. A failure skips everything that needs its step and,
    /// unless `keepGoing`, stops the run.
    public mutating func finish(_ task: Int, succeeded: Bool) -> Update {
        precondition(state[task] == .running, "finish(\(task)) for a task that is not running")
        var update = Update()
        state[task] = .done
        settled += 1
        releaseSlots(task)

        let s = graph.stepIndex(ofTask: task)
        remaining[s] -= 1
        if !succeeded { failStep(s, because: task, &update) }
        if batchSize[s] > 0 {
            batchOutstanding[s] -= 1
            if batchOutstanding[s] == 0, !failed[s] { releaseBatch(s, &update) }
        }
        if remaining[s] == 0 { completeSteps([s], &update) }
        if !succeeded, !limits.keepGoing { stopRun(&update, sparing: graph.step(ofTask: task).anyErrorsFatal ? nil : s) }
        return update
    }

    /// Stops the run: no task starts any more; every task not started is skipped as `runStopped`.
    /// Running tasks still report through `finish`.
    public mutating func stop() -> Update {
        var update = Update()
        stopRun(&update, sparing: nil)
        for s in spared.indices where spared[s] {
            spared[s] = false
            for t in graph.steps[s].tasks where [.waiting, .ready, .parked].contains(state[t]) { settle(t, .runStopped, &update) }
        }
        ready = Heap()
        return update
    }

    // MARK: - Resources

    private func hostLimit(forTask t: Int, host h: Int) -> Int {
        if let perStep = graph.step(ofTask: t).hostConcurrency { return max(1, perStep) }
        return hostLimit[h]
    }

    private mutating func releaseSlots(_ t: Int) {
        running -= 1
        let h = graph.hostIndex(ofTask: t)
        hostRunning[h] -= 1
        wakeHost(h)
        let p = Int(stepPool[graph.stepIndex(ofTask: t)])
        if p >= 0 {
            poolRunning[p] -= 1
            wakePool(p)
        }
    }

    /// Moves back to the ready heap the best parked task the host now admits.
    private mutating func wakeHost(_ h: Int) {
        while true {
            var best: (limit: Int, entry: Entry)?
            for (limit, heap) in hostParked[h] where limit > hostRunning[h] {
                if let top = heap.max, best == nil || best!.entry < top { best = (limit, top) }
            }
            guard let (limit, entry) = best else { return }
            hostParked[h][limit]!.removeMax()
            if hostParked[h][limit]!.isEmpty { hostParked[h][limit] = nil }
            if unpark(entry) { return }
        }
    }

    private mutating func wakePool(_ p: Int) {
        while let entry = poolParked[p].popMax() {
            if unpark(entry) { return }
        }
    }

    /// False for a task settled while parked (a lazily deleted entry).
    private mutating func unpark(_ entry: Entry) -> Bool {
        let t = Int(entry.task)
        guard state[t] == .parked else { return false }
        state[t] = .ready
        ready.insert(entry)
        return true
    }

    // MARK: - Dependencies

    private mutating func releaseTask(_ t: Int, _ update: inout Update) {
        guard state[t] == .waiting else { return }
        if stopped {
            settle(t, .runStopped, &update)
            return
        }
        state[t] = .ready
        ready.insert(Entry(priority: graph.priority(ofTask: t), task: Int32(t)))
        update.released.append(t)
    }

    /// The step's needs are met: release its tasks (its first batch when serial).
    private mutating func releaseStep(_ s: Int, _ update: inout Update, _ work: inout [Int]) {
        if graph.steps[s].tasks.isEmpty {
            work.append(s)
        } else if batchSize[s] > 0 {
            releaseBatch(s, &update)
        } else {
            for t in graph.steps[s].tasks { releaseTask(t, &update) }
        }
    }

    private mutating func releaseBatch(_ s: Int, _ update: inout Update) {
        let tasks = graph.steps[s].tasks
        // A batch whose tasks were all settled while waiting (a stopped run) counts as done.
        while batchOutstanding[s] == 0 {
            let start = tasks.lowerBound + batchNext[s]
            guard start < tasks.upperBound else { return }
            let end = min(tasks.upperBound, start + batchSize[s])
            batchNext[s] = end - tasks.lowerBound
            for t in start..<end where state[t] == .waiting {
                batchOutstanding[s] += 1
                releaseTask(t, &update)
            }
        }
    }

    /// Steps whose tasks are all done: release what needed them. A worklist, not recursion.
    private mutating func completeSteps(_ initial: [Int], _ update: inout Update) {
        var work = initial
        while let c = work.popLast() {
            guard !complete[c] else { continue }
            complete[c] = true
            guard !failed[c], !doomed[c] else { continue }
            for d in graph.steps[c].dependents {
                unmetNeeds[d] -= 1
                if unmetNeeds[d] == 0, !doomed[d] { releaseStep(d, &update, &work) }
            }
        }
    }

    private mutating func settle(_ t: Int, _ reason: TaskOutcome.SkipReason, _ update: inout Update) {
        state[t] = .done
        settled += 1
        remaining[graph.stepIndex(ofTask: t)] -= 1
        update.skipped.append(Skip(task: t, reason: reason))
    }

    private mutating func failStep(_ s: Int, because t: Int, _ update: inout Update) {
        guard !failed[s] else { return }
        failed[s] = true
        let culprit = graph.tasks[t].description
        let node = graph.steps[s]
        if node.step.anyErrorsFatal {
            for u in node.tasks where u != t {
                switch state[u] {
                case .running: update.cancel.append(u)
                case .waiting, .ready, .parked: settle(u, .upstreamFailed(culprit), &update)
                case .done: break
                }
            }
        } else if batchSize[s] > 0 {
            // A failed batch stops the rollout: later batches never start.
            for u in node.tasks where state[u] == .waiting { settle(u, .upstreamFailed(culprit), &update) }
        }

        var work = node.dependents
        while let d = work.popLast() {
            guard !doomed[d] else { continue }
            doomed[d] = true
            for u in graph.steps[d].tasks where state[u] != .done { settle(u, .upstreamFailed(culprit), &update) }
            work.append(contentsOf: graph.steps[d].dependents)
        }
    }

    /// `sparing`: the step whose failure stopped the run; its hosts not yet started still run.
    private mutating func stopRun(_ update: inout Update, sparing failedStep: Int?) {
        guard !stopped else { return }
        stopped = true
        if let failedStep { spared[failedStep] = true }
        for t in state.indices where !spared[graph.stepIndex(ofTask: t)] {
            switch state[t] {
            case .waiting, .ready, .parked: settle(t, .runStopped, &update)
            case .running, .done: break
            }
        }
        if failedStep == nil { ready = Heap() }
    }
}
