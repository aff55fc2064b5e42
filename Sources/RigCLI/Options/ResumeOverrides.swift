import ArgumentParser

/// What `rig resume` may change about the run it continues; everything not given comes from
/// the run's `run.json`.
struct ResumeOverrides: ParsableArguments {
    @Option(help: ArgumentHelp("Replace the run's inventory file.", valueName: "file"))
    var inventory: String?

    @Option(name: .customLong("input"), help: ArgumentHelp("Set an input, on top of the run's (repeatable).", valueName: "name=value"))
    var inputAssignments: [String] = []

    @Option(name: .customLong("inputs"), help: ArgumentHelp("Replace the run's input files (repeatable).", valueName: "file"))
    var inputFiles: [String] = []

    @OptionGroup var secretOptions: SecretOptions
    @OptionGroup var connection: ConnectionOptions

    @Option(name: .shortAndLong, help: "How many tasks may run at once (default: the run's).")
    var jobs: Int?

    @Flag(name: .customLong("keep-going"), help: "After a failure, keep running every task that does not depend on it.")
    var keepGoing = false

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1 (got \(jobs))") }
    }

    /// Whether the run's recorded files and inputs apply unchanged (the no-op check needs that).
    var keepsSources: Bool { inventory == nil && inputAssignments.isEmpty && inputFiles.isEmpty }

    func apply(to settings: inout RunSettings) {
        if let inventory { settings.inventory = absolutePath(inventory) }
        settings.inputAssignments += inputAssignments
        if !inputFiles.isEmpty { settings.inputFiles = inputFiles.map(absolutePath) }
        if let secrets = secretOptions.secrets { settings.secretsFile = absolutePath(secrets) }
        if let sshConfig = connection.sshConfig { settings.sshConfig = absolutePath(sshConfig) }
        if connection.acceptNewHostKeys { settings.acceptNewHostKeys = true }
        if let jobs { settings.jobs = jobs }
        if keepGoing { settings.keepGoing = true }
    }
}
