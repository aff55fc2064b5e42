import ArgumentParser
import RigKit

/// `rig graph FILE`: the step DAG as text, Graphviz dot or Mermaid.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print the workflow's step graph (text, dot or mermaid).",
        discussion: ExitStatus.helpText
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, dot, mermaid
    }

    @OptionGroup var workflow: WorkflowOptions

    @Option(help: "text, dot (Graphviz) or mermaid.")
    var format: Format = .text

    func run() throws {
        let session = try reportingErrors { try WorkflowSession.load(workflow) }
        let printer = GraphPrinter(workflow: session.workflow, hosts: session.hosts(for:))
        switch format {
        case .text: print(printer.text(), terminator: "")
        case .dot: print(printer.dot(), terminator: "")
        case .mermaid: print(printer.mermaid(), terminator: "")
        }
    }
}
