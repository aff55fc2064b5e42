import ArgumentParser

/// `rig`: the root command.
struct RigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rig",
        abstract: "Deploy Tator onto a LAN of Ubuntu machines by running its multi-node tutorial as a workflow.",
        discussion: ExitStatus.helpText,
        version: "0.1.0",
        subcommands: [
            ValidateCommand.self,
            PlanCommand.self,
            GraphCommand.self,
            RunCommand.self,
            ResumeCommand.self,
            StatusCommand.self,
            RunsCommand.self,
            StepsCommand.self,
            InitCommand.self,
            HistoryCommand.self,
            DiffCommand.self,
            ShowCommand.self,
            TagCommand.self,
            NewStepCommand.self,
            CLIReferenceCommand.self,
            LabCommand.self,
        ]
    )
}
