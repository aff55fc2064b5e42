import RigKit
import RigModel

/// Renders the step DAG for `rig graph`.
struct GraphPrinter {
    var workflow: Workflow
    var hosts: (Step) -> [InventoryHost]

    private func targets(_ step: Step) -> String { hosts(step).map(\.name).joined(separator: ", ") }

    func text() -> String {
        let waves = StepGraph(workflow).waves()
        var out = ""
        for (index, wave) in waves.enumerated() {
            out += "wave \(index + 1):\n"
            for id in wave {
                guard let step = workflow.step(id) else { continue }
                out += "  \(id) (\(step.type)) on \(targets(step))"
                if !step.needs.isEmpty { out += " ← \(step.needs.joined(separator: ", "))" }
                out += "\n"
            }
        }
        return out
    }

    func dot() -> String {
        var out = "digraph \"\(escape(workflow.name))\" {\n  rankdir=LR;\n  node [shape=box];\n"
        for step in workflow.steps {
            out += "  \"\(escape(step.id))\" [label=\"\(escape(step.id))\\n\(escape(step.type))\\n\(escape(targets(step)))\"];\n"
        }
        for step in workflow.steps {
            for need in step.needs { out += "  \"\(escape(need))\" -> \"\(escape(step.id))\";\n" }
        }
        return out + "}\n"
    }

    func mermaid() -> String {
        var ids: [String: String] = [:]
        for (index, step) in workflow.steps.enumerated() { ids[step.id] = "s\(index)" }
        var out = "graph TD\n"
        for step in workflow.steps {
            out += "  \(ids[step.id]!)[\"\(mermaidText(step.id)) · \(mermaidText(step.type))<br/>\(mermaidText(targets(step)))\"]\n"
        }
        for step in workflow.steps {
            for need in step.needs { if let from = ids[need] { out += "  \(from) --> \(ids[step.id]!)\n" } }
        }
        return out
    }

    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }

    private func mermaidText(_ s: String) -> String { s.replacingOccurrences(of: "\"", with: "#quot;") }
}
