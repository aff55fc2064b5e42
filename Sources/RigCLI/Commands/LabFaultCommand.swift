import ArgumentParser
import Foundation
import RigLab

/// `rig lab fault`: make the lab's simulated tools fail or nodes stay NotReady.
struct LabFaultCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fault",
        abstract: "Inject failures into the lab's simulated tools (written to the lab's shared faults.json).",
        subcommands: [LabFaultAddCommand.self, LabFaultNotReadyCommand.self, LabFaultListCommand.self, LabFaultClearCommand.self]
    )
}

struct LabFaultAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Fail calls of a simulated tool on a host, e.g. --host worker1 --tool kubeadm --match join --nth 1."
    )

    @OptionGroup var lab: LabNameOption

    @Option(help: ArgumentHelp("The host whose calls fail, or '*' for every host.", valueName: "host"))
    var host: String

    @Option(help: ArgumentHelp("The tool: kubeadm, kubectl, helm, argo, apt-get, curl, ...", valueName: "tool"))
    var tool: String

    @Option(help: ArgumentHelp("Only calls whose arguments (joined by spaces) contain this text.", valueName: "text"))
    var match: String?

    @Option(help: ArgumentHelp("Fail only the Nth matching call, counting from 1 (default: every matching call).", valueName: "n"))
    var nth: Int?

    @Option(help: "The exit code of the failed call.")
    var exitCode: Int = 1

    @Option(help: ArgumentHelp("What the failed call prints on stderr.", valueName: "text"))
    var message: String?

    func validate() throws {
        if let nth, nth < 1 { throw ValidationError("--nth counts from 1") }
        if !(1...255).contains(exitCode) { throw ValidationError("--exit-code must be 1 to 255 (a failure)") }
    }

    func run() throws {
        let lab = try lab.lab()
        try reportingLabErrors {
            let state = try lab.requireState()
            if host != "*", state.host(named: host) == nil { throw LabError.unknownHost(host, known: state.hosts.map(\.name)) }
            try LabFaults(paths: lab.paths).add(
                ToolFault(host: host, tool: tool, match: match, nth: nth, exitCode: exitCode, message: message))
        }
        print(
            "\(tool) on \(host) will fail" + (match.map { " when its arguments contain '\($0)'" } ?? "")
                + (nth.map { " (matching call \($0) only)" } ?? " (every matching call)") + " with exit code \(exitCode)")
    }
}

struct LabFaultNotReadyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "not-ready",
        abstract: "Keep a node NotReady for some seconds after it joins."
    )

    @OptionGroup var lab: LabNameOption

    @Argument(help: ArgumentHelp("The node's host.", valueName: "host"))
    var host: String

    @Option(help: "How long the node stays NotReady after its join.")
    var seconds: Int = 30

    func run() throws {
        let lab = try lab.lab()
        try reportingLabErrors {
            let state = try lab.requireState()
            guard state.host(named: host) != nil else { throw LabError.unknownHost(host, known: state.hosts.map(\.name)) }
            try LabFaults(paths: lab.paths).keepNotReady(host, seconds: seconds)
        }
        print("\(host) stays NotReady for \(seconds) s after it joins")
    }
}

struct LabFaultListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Show the injected faults.")

    @OptionGroup var lab: LabNameOption

    func run() throws {
        let lab = try lab.lab()
        let plan = try reportingLabErrors { () throws -> FaultPlan in
            _ = try lab.requireState()
            return try LabFaults(paths: lab.paths).read()
        }
        if plan.faults.isEmpty, plan.notReady.isEmpty { print("no faults") }
        for fault in plan.faults {
            print(
                "\(fault.tool) on \(fault.host)" + (fault.match.map { ", arguments containing '\($0)'" } ?? "")
                    + (fault.nth.map { ", call \($0)" } ?? ", every call") + ": exit \(fault.exitCode)"
                    + (fault.message.map { " (\($0))" } ?? ""))
        }
        for (host, seconds) in plan.notReady.sorted(by: { $0.key < $1.key }) { print("\(host): NotReady for \(seconds) s after joining") }
    }
}

struct LabFaultClearCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "clear", abstract: "Remove every injected tool fault and NotReady delay.")

    @OptionGroup var lab: LabNameOption

    func run() throws {
        let lab = try lab.lab()
        try reportingLabErrors {
            _ = try lab.requireState()
            try LabFaults(paths: lab.paths).clear()
        }
        print("faults cleared")
    }
}
