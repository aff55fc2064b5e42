import OrderedCollections

/// Decides, per task, whether a resume skips it or runs it again, and why.
///
/// The rule: a task is skipped iff the previous run's journal shows it done (succeeded, ok by
/// guard, skipped by its condition, or carried from an earlier run) with a fingerprint identical
/// to its new one, and every task it needs is skipped too. Everything else runs, with the first
/// reason that applies: its own state (never ran, failed, interrupted, started but unfinished),
/// `--force`, `--from`, an upstream task that runs, a changed definition. `--only` runs just the
/// selected tasks (what they need must be done). Finally, a skipped producer whose *secret*
/// output a running task reads runs again to regenerate it — without making its other
/// descendants run.
public enum ResumePlanner {
    /// A task of the new run, as the planner sees it.
    public struct Task: Sendable, Hashable {
        public var id: TaskID
        public var needs: [TaskID]
        public var fingerprint: Fingerprint
        /// Secret outputs of other tasks this task reads.
        public var secretInputs: [SecretOutputUse]

        public init(id: TaskID, needs: [TaskID], fingerprint: Fingerprint, secretInputs: [SecretOutputUse] = []) {
            self.id = id
            self.needs = needs
            self.fingerprint = fingerprint
            self.secretInputs = secretInputs
        }
    }

    /// Deliberate partial reruns from the command line.
    public struct Options: Sendable, Hashable {
        public var force: [TaskSelector]
        public var from: [TaskSelector]
        public var only: [TaskSelector]

        public init(force: [TaskSelector] = [], from: [TaskSelector] = [], only: [TaskSelector] = []) {
            self.force = force
            self.from = from
            self.only = only
        }
    }

    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// `--force`/`--from`/`--only` named a step (or step@host) the workflow does not have.
        case unknownSelector(flag: String, TaskSelector, knownSteps: [String])
        /// `--only` selected a task whose upstream is not done.
        case onlyNeedsUpstream(task: TaskID, upstream: TaskID, state: String)
        case graph(FingerprintTable.Failure)

        public var description: String {
            switch self {
            case .unknownSelector(let flag, let selector, let known):
                let hint = known.isEmpty ? "" : " Steps: \(known.prefix(12).joined(separator: ", "))\(known.count > 12 ? ", ..." : "")."
                return "\(flag) \(selector): no such task in the workflow.\(hint)"
            case .onlyNeedsUpstream(let task, let upstream, let state):
                return "--only cannot run \(task): it needs \(upstream), which is not done (\(state)). "
                    + "Resume without --only, or add --only \(upstream.step)."
            case .graph(let failure):
                return failure.description
            }
        }
    }

    /// Plans a resume of the run whose journal folded into `previous`.
    public static func plan(
        tasks: [Task], previous: JournalState, previousRunID: String, options: Options = Options()
    ) throws(Failure) -> ResumePlan {
        let order: [Int]
        do { order = try TaskOrder.upstreamFirst(tasks.map(\.id)) { tasks[$0].needs } } catch { throw .graph(error) }
        try checkSelectors(options, tasks: tasks)
        var index: [TaskID: Int] = [:]
        index.reserveCapacity(tasks.count)
        for (i, t) in tasks.enumerated() { index[t.id] = i }

        var decisions = [ResumePlan.Decision?](repeating: nil, count: tasks.count)
        var fromSelector = [TaskSelector?](repeating: nil, count: tasks.count)
        let onlyMode = !options.only.isEmpty

        for i in order {
            let task = tasks[i]
            let prior = previous[task.id]
            let upstream = task.needs.compactMap { index[$0] }
            fromSelector[i] =
                options.from.first { $0.matches(task.id) }
                ?? upstream.lazy.compactMap { fromSelector[$0] }.first
            let stateReason = reason(from: prior)
            let changed = changedFields(task.fingerprint, prior?.fingerprint)

            if onlyMode {
                if let selector = options.only.first(where: { $0.matches(task.id) }) {
                    for u in upstream {
                        if case .leave(let why) = decisions[u]! {
                            throw .onlyNeedsUpstream(task: task.id, upstream: tasks[u].id, state: why)
                        }
                    }
                    decisions[i] = .run(stateReason ?? (changed.isEmpty ? .only(selector) : .definitionChanged(fields: changed)))
                } else if stateReason == nil, changed.isEmpty, upstream.allSatisfy({ decisions[$0]!.skips }) {
                    decisions[i] = .skip(runID: prior?.doneInRun ?? previousRunID)
                } else {
                    let why =
                        stateReason?.description
                        ?? (!changed.isEmpty
                            ? "definition changed"
                            : upstream.contains { decisions[$0]!.runs } ? "upstream runs again" : "upstream not done")
                    decisions[i] = .leave("not selected by --only (\(why))")
                }
                continue
            }

            let running = upstream.filter { decisions[$0]!.runs }
            if let stateReason {
                decisions[i] = .run(stateReason)
            } else if let selector = options.force.first(where: { $0.matches(task.id) }) {
                decisions[i] = .run(.forced(selector))
            } else if let selector = fromSelector[i] {
                decisions[i] = .run(.from(selector))
            } else if !running.isEmpty {
                let own = changed.filter { $0 != "needs" }
                decisions[i] = .run(own.isEmpty ? .upstreamReran(running.map { tasks[$0].id }) : .definitionChanged(fields: own))
            } else if !changed.isEmpty {
                decisions[i] = .run(.definitionChanged(fields: changed))
            } else {
                decisions[i] = .skip(runID: prior?.doneInRun ?? previousRunID)
            }
        }

        try regenerateSecretOutputs(tasks: tasks, index: index, previous: previous, decisions: &decisions)

        var plan = ResumePlan(previousRunID: previousRunID, decisions: [:], carried: [:], removed: [])
        plan.decisions.reserveCapacity(tasks.count)
        for i in order {
            let task = tasks[i]
            let decision = decisions[i]!
            plan.decisions[task.id] = decision
            if case .skip(let runID) = decision {
                let outputs = previous[task.id]?.outputs ?? []
                var values: OrderedDictionary<String, String> = [:]
                for output in outputs { if let value = output.value { values[output.name] = value } }
                plan.carried[task.id] = ResumePlan.Carried(
                    runID: runID, outputs: values, withheldOutputs: outputs.filter(\.isWithheld).map(\.name),
                    fingerprint: task.fingerprint)
            }
        }
        plan.removed = previous.order.filter { index[$0] == nil }
        return plan
    }

    /// The reason a task must run given only its journaled state; nil when it is done.
    static func reason(from prior: JournalState.TaskState?) -> ResumePlan.RunReason? {
        guard let prior else { return .neverRan }
        switch prior.phase {
        case .queued: return .neverStarted
        case .started: return .startedNotFinished(attempt: prior.attempt)
        case .failed: return .failed(message: prior.message, exitCode: prior.exitCode)
        case .interrupted: return .interrupted
        case .skipped(.upstreamFailed): return .notReached(prior.message ?? "something it needs did not succeed")
        case .skipped(.runStopped): return .notReached(prior.message ?? "the run stopped before it started")
        case .succeeded, .okByGuard, .carried, .skipped(.conditionFalse), .skipped(.alreadyDone): return nil
        }
    }

    static func changedFields(_ new: Fingerprint, _ old: Fingerprint?) -> [String] {
        guard let old else { return ["fingerprint (none recorded)"] }
        if old.digest == new.digest { return [] }
        let fields = new.changedFields(since: old)
        return fields.isEmpty ? ["fingerprint scheme"] : fields
    }

    private static func checkSelectors(_ options: Options, tasks: [Task]) throws(Failure) {
        let flags: [(String, [TaskSelector])] = [("--force", options.force), ("--from", options.from), ("--only", options.only)]
        for (flag, selectors) in flags {
            for selector in selectors where !tasks.contains(where: { selector.matches($0.id) }) {
                var steps: [String] = []
                var seen = Set<String>()
                for t in tasks where seen.insert(t.id.step).inserted { steps.append(t.id.step) }
                throw .unknownSelector(flag: flag, selector, knownSteps: steps)
            }
        }
    }

    /// Producers are skipped but their secret outputs were never journaled: a running consumer
    /// makes its producer run again (and so on up, if that producer reads secrets itself).
    private static func regenerateSecretOutputs(
        tasks: [Task], index: [TaskID: Int], previous: JournalState, decisions: inout [ResumePlan.Decision?]
    ) throws(Failure) {
        var queue = decisions.indices.filter { decisions[$0]!.runs }
        while let i = queue.popLast() {
            var missing: OrderedDictionary<Int, [String]> = [:]
            for use in tasks[i].secretInputs {
                guard let p = index[use.producer] else { continue }
                if case .leave(let why) = decisions[p]! {
                    throw .onlyNeedsUpstream(task: tasks[i].id, upstream: use.producer, state: why)
                }
                guard decisions[p]!.skips else { continue }
                let withheld = previous[use.producer]?.outputs.contains { $0.name == use.output && $0.isWithheld } ?? false
                if withheld, !(missing[p]?.contains(use.output) ?? false) { missing[p, default: []].append(use.output) }
            }
            for (p, outputs) in missing {
                decisions[p] = .run(.regenerateSecretOutputs(for: tasks[i].id, outputs: outputs))
                queue.append(p)
            }
        }
    }
}
