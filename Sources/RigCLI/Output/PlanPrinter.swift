import Foundation
import RigKit
import RigModel

/// Formats `rig plan`: every task's plan rendered in display mode.
struct PlanPrinter {
    var session: WorkflowSession

    func text() throws -> String {
        let workflow = session.workflow
        var out = "workflow \(workflow.name): \(workflow.steps.count) steps\n"
        out += header()
        let layered =
            workflow.steps.contains { !$0.changes.isEmpty || $0.location.map { $0.file != session.path } ?? false }
            || !workflow.disabledSteps.isEmpty
        for (index, wave) in StepGraph(workflow).waves().enumerated() {
            out += "\nwave \(index + 1)\n"
            for id in wave {
                guard let step = workflow.step(id), let type = session.registry.type(named: step.type) else { continue }
                let hosts = session.hosts(for: step)
                out += "  step \(id) (\(step.type)) on \(hosts.map(\.name).joined(separator: ", "))\n"
                if layered { out += origin(of: step) }
                if !step.needs.isEmpty { out += "    needs: \(step.needs.joined(separator: ", "))\n" }
                if let when = step.when { out += "    when: \(when.source)\n" }
                for host in hosts {
                    out += "    @\(host.name)\n"
                    out += try taskText(step: step, type: type, host: host).indented(by: 6)
                }
            }
        }
        for (id, location) in workflow.disabledSteps.sorted(by: { $0.key < $1.key }) {
            out += "\ndisabled: \(id) (\(relative(location)))\n"
        }
        return out
    }

    /// What step types contribute to the header (`StepType.planHeader`), each line once.
    private func header() -> String {
        let workflow = session.workflow
        let validation = ValidationContext(workflow: workflow, inputs: session.inputs)
        var seen = Set<String>()
        var out = ""
        for step in workflow.steps {
            guard let type = session.registry.type(named: step.type) else { continue }
            for line in type.planHeader(step, context: validation) where seen.insert(line).inserted { out += line + "\n" }
        }
        return out
    }

    /// `from: base.yaml:12, changed in site.yaml:30` for a workflow built from overlays.
    private func origin(of step: Step) -> String {
        var text = "    from: " + (step.location.map(relative) ?? "?")
        if !step.changes.isEmpty { text += ", changed in " + step.changes.map(relative).joined(separator: ", ") }
        return text + "\n"
    }

    private func relative(_ location: SourceLocation) -> String {
        let folder = (session.path as NSString).deletingLastPathComponent + "/"
        let file = location.file.hasPrefix(folder) ? String(location.file.dropFirst(folder.count)) : location.file
        return "\(file):\(location.line)"
    }

    private func taskText(step: Step, type: any StepType, host: InventoryHost) throws -> String {
        let context = RenderContext(
            inputs: session.inputs, secrets: nil, inventory: session.workflow.inventory, host: host,
            outputs: StepOutputs(), mode: .display, workflowName: session.workflow.name, runID: nil)
        var out = ""
        if let unless = step.unless {
            out += "unless (already done when this succeeds):\n" + (try Renderer.renderText(unless, in: context)).indented(by: 2)
        }
        let parameters = try ParameterBinder.bind(step, schema: type.schema, in: context)
        let task = TaskID(step: step.id, host: host.name)
        let invocation = StepInvocation(
            step: step, task: task, host: host, parameters: parameters, inventory: session.workflow.inventory, mode: .display)
        let plan = try type.plan(invocation)
        if let check = plan.check { out += describe(check, label: "check (already done when it exits 0)") }
        for action in plan.actions {
            switch action {
            case .run(let command): out += describe(command, label: "run")
            case .upload(let file): out += describe(file)
            }
        }
        if plan.check == nil && plan.actions.isEmpty && step.unless == nil { out += "(no command: a join point)\n" }
        return out
    }

    private func describe(_ command: Command, label: String) -> String {
        var flags: [String] = []
        if command.become { flags.append("sudo") }
        if command.pseudoTerminal { flags.append("pty") }
        if let other = command.delegateTo { flags.append("on \(other)") }
        if let dir = command.workingDirectory { flags.append("in \(dir)") }
        if let timeout = command.timeout { flags.append("timeout \(timeout)") }
        var out = label + (flags.isEmpty ? "" : " [\(flags.joined(separator: ", "))]")
        if let summary = command.summary { out += " — \(summary)" }
        out += ":\n"
        for (name, value) in command.environment { out += "  export \(name)=\(shellQuote(value))\n" }
        return out + command.script.indented(by: 2)
    }

    private func describe(_ file: FileUpload) -> String {
        var out = "upload \(file.path) (mode \(String(file.mode, radix: 8))"
        if let owner = file.owner { out += ", owner \(owner)\(file.group.map { ":\($0)" } ?? "")" }
        if file.become { out += ", sudo" }
        if let other = file.delegateTo { out += ", on \(other)" }
        out += ", \(file.content.count) bytes)"
        if file.secret { return out + " — content withheld: it holds a secret\n" }
        guard let text = String(bytes: file.content, encoding: .utf8) else { return out + " — binary content\n" }
        return out + ":\n" + text.indented(by: 2)
    }
}

extension String {
    /// Every line prefixed with `count` spaces; ends with a newline.
    func indented(by count: Int) -> String {
        let pad = String(repeating: " ", count: count)
        var lines = split(separator: "\n", omittingEmptySubsequences: false).map { pad + $0 }
        if lines.last == pad { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }
}
