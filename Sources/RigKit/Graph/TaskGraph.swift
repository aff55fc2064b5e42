import RigModel

/// Why a workflow could not be expanded into tasks. The validator reports these with file
/// locations before a run; the graph repeats the check so it can never loop or crash.
public enum TaskGraphError: Error, Sendable, Hashable, CustomStringConvertible {
    case duplicateStep(String)
    case unknownNeed(step: String, need: String)
    /// The steps of one cycle, each needing the next, the first repeated at the end.
    case cycle([String])

    public var description: String {
        switch self {
        case .duplicateStep(let id):
            return "step id '\(id)' is used twice; give each step its own id"
        case .unknownNeed(let step, let need):
            return "step '\(step)' needs '\(need)', which is not a step of this workflow; fix the id in its needs"
        case .cycle(let path):
            return "steps need each other in a cycle: \(path.joined(separator: " → ")) (each needs the next); remove one of these needs"
        }
    }
}

/// Every step expanded into one task per target host (`step@host`). Dependencies stay at step
/// level: every task of a step waits for every task of each step it `needs`, so the graph costs
/// O(steps + needs + tasks) however many hosts there are. Built without recursion.
public struct TaskGraph: Sendable {
    /// One step and where its tasks are.
    public struct StepNode: Sendable {
        public let step: Step
        /// Indices of this step's tasks, in host order.
        public let tasks: Range<Int>
        /// Indices of the steps it needs.
        public let needs: [Int]
        /// Indices of the steps that need it.
        public let dependents: [Int]
        /// Longest weighted path from this step to the end of the graph, itself included.
        public let criticalPath: Int
    }

    public let steps: [StepNode]
    /// Every task; a task's index is its position here.
    public let tasks: [TaskID]
    /// The distinct target hosts; `hostIndex` refers to positions here.
    public let hosts: [InventoryHost]
    private let taskStep: [Int32]
    private let taskHost: [Int32]
    private let indexByTask: [TaskID: Int]
    private let indexByStep: [String: Int]

    /// - Parameters:
    ///   - hostsForStep: the hosts a step runs on (duplicates by name are dropped).
    ///   - weight: the estimated cost of a step, for priorities (default 1 each).
    public init(
        workflow: Workflow, hostsForStep: (Step) -> [InventoryHost], weight: (Step) -> Int = { _ in 1 }
    ) throws(TaskGraphError) {
        var indexByStep: [String: Int] = [:]
        indexByStep.reserveCapacity(workflow.steps.count)
        for (i, step) in workflow.steps.enumerated() {
            guard indexByStep.updateValue(i, forKey: step.id) == nil else { throw .duplicateStep(step.id) }
        }

        var needs = [[Int]](repeating: [], count: workflow.steps.count)
        var dependents = [[Int]](repeating: [], count: workflow.steps.count)
        for (i, step) in workflow.steps.enumerated() {
            var seen = Set<Int>()
            for need in step.needs {
                guard let n = indexByStep[need] else { throw .unknownNeed(step: step.id, need: need) }
                if seen.insert(n).inserted {
                    needs[i].append(n)
                    dependents[n].append(i)
                }
            }
        }

        let order = try Self.topologicalOrder(steps: workflow.steps, needs: needs, dependents: dependents)
        let weights = workflow.steps.map { max(0, weight($0)) }
        let critical = CriticalPath.lengths(order: order, dependents: dependents, weights: weights)

        var tasks: [TaskID] = []
        var taskStep: [Int32] = []
        var taskHost: [Int32] = []
        var hosts: [InventoryHost] = []
        var hostIndex: [String: Int32] = [:]
        var indexByTask: [TaskID: Int] = [:]
        var nodes: [StepNode] = []
        nodes.reserveCapacity(workflow.steps.count)
        for (i, step) in workflow.steps.enumerated() {
            let first = tasks.count
            var seenHosts = Set<String>()
            for host in hostsForStep(step) where seenHosts.insert(host.name).inserted {
                let h: Int32
                if let known = hostIndex[host.name] {
                    h = known
                } else {
                    h = Int32(hosts.count)
                    hostIndex[host.name] = h
                    hosts.append(host)
                }
                let id = TaskID(step: step.id, host: host.name)
                indexByTask[id] = tasks.count
                tasks.append(id)
                taskStep.append(Int32(i))
                taskHost.append(h)
            }
            nodes.append(
                StepNode(
                    step: step, tasks: first..<tasks.count, needs: needs[i], dependents: dependents[i],
                    criticalPath: critical[i]))
        }

        self.steps = nodes
        self.tasks = tasks
        self.hosts = hosts
        self.taskStep = taskStep
        self.taskHost = taskHost
        self.indexByTask = indexByTask
        self.indexByStep = indexByStep
    }

    public var taskCount: Int { tasks.count }

    public func index(of task: TaskID) -> Int? { indexByTask[task] }
    public func stepIndex(of id: String) -> Int? { indexByStep[id] }
    /// The index into `steps` of a task's step.
    public func stepIndex(ofTask task: Int) -> Int { Int(taskStep[task]) }
    /// The index into `hosts` of a task's host.
    public func hostIndex(ofTask task: Int) -> Int { Int(taskHost[task]) }
    public func step(ofTask task: Int) -> Step { steps[Int(taskStep[task])].step }
    public func host(ofTask task: Int) -> InventoryHost { hosts[Int(taskHost[task])] }
    /// Start long chains first: the task's critical-path length.
    public func priority(ofTask task: Int) -> Int { steps[Int(taskStep[task])].criticalPath }
    /// The weight of the longest chain in the graph.
    public var criticalPathLength: Int { steps.map(\.criticalPath).max() ?? 0 }

    /// Kahn's algorithm; on a cycle, walks the remaining steps to name one.
    private static func topologicalOrder(
        steps: [Step], needs: [[Int]], dependents: [[Int]]
    ) throws(TaskGraphError) -> [Int] {
        var unmet = needs.map(\.count)
        var order: [Int] = []
        order.reserveCapacity(steps.count)
        for i in steps.indices where unmet[i] == 0 { order.append(i) }
        var next = 0
        while next < order.count {
            let s = order[next]
            next += 1
            for d in dependents[s] {
                unmet[d] -= 1
                if unmet[d] == 0 { order.append(d) }
            }
        }
        guard order.count < steps.count else { return order }

        // Every remaining step has an unmet need among the remaining: follow needs until one repeats.
        var position: [Int: Int] = [:]
        var path: [Int] = []
        var current = steps.indices.first { unmet[$0] > 0 }!
        while position[current] == nil {
            position[current] = path.count
            path.append(current)
            current = needs[current].first { unmet[$0] > 0 }!
        }
        let cycle = path[position[current]!...].map { steps[$0].id }
        throw .cycle(cycle + [cycle[0]])
    }
}
