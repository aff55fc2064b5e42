import RigKit

/// `rig resume --dry-run` and `rig plan --resume`: every task as skip or run, with the reason.
struct ResumePlanPrinter {
    var plan: ResumePlan
    var workflowPath: String

    var text: String {
        let width = min(60, plan.decisions.keys.map { $0.description.count }.max() ?? 0)
        var out =
            "resume of run \(plan.previousRunID) (\(workflowPath)): \(plan.toRun.count) to run, "
            + "\(plan.carried.count) to skip" + (plan.left.isEmpty ? "" : ", \(plan.left.count) left for later") + "\n"
        for (task, decision) in plan.decisions {
            let name = task.description.padding(toLength: max(width, task.description.count), withPad: " ", startingAt: 0)
            switch decision {
            case .skip(let run): out += "  skip  \(name)  done in run \(run)\n"
            case .run(let reason): out += "  run   \(name)  \(reason)\n"
            case .leave(let why): out += "  leave \(name)  \(why)\n"
            }
        }
        for task in plan.removed { out += "  gone  \(task)  no longer in the workflow\n" }
        if plan.isNoOp { out += "nothing to run: every task is done and unchanged\n" }
        return out
    }
}
