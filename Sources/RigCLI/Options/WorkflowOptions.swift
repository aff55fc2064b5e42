import ArgumentParser

/// The workflow file and what completes it: inventory and inputs.
struct WorkflowOptions: ParsableArguments {
    @Argument(help: "The workflow file (YAML).", completion: .file(extensions: ["yaml", "yml"]))
    var file: String

    @OptionGroup var completion: WorkflowCompletion

    var inventory: String? {
        get { completion.inventory }
        set { completion.inventory = newValue }
    }
    var inputAssignments: [String] { completion.inputAssignments }
    var inputFiles: [String] { completion.inputFiles }

    /// `file` with the same inventory and inputs.
    static func parse(file: String, completion: WorkflowCompletion) throws -> WorkflowOptions {
        try parse([file] + completion.arguments)
    }
}

/// What completes a workflow for one run: an inventory replacing its hosts, and input values.
struct WorkflowCompletion: ParsableArguments {
    @Option(help: ArgumentHelp("An inventory file; replaces the workflow's own `hosts:`.", valueName: "file"))
    var inventory: String?

    @Option(name: .customLong("input"), help: ArgumentHelp("Set an input: name=value (repeatable).", valueName: "name=value"))
    var inputAssignments: [String] = []

    @Option(
        name: .customLong("inputs"), help: ArgumentHelp("A YAML file of input values (repeatable; later files win).", valueName: "file"))
    var inputFiles: [String] = []

    /// The options as they would be written on the command line.
    var arguments: [String] { Self.arguments(inventory: inventory, inputAssignments: inputAssignments, inputFiles: inputFiles) }

    static func arguments(inventory: String?, inputAssignments: [String], inputFiles: [String]) -> [String] {
        (inventory.map { ["--inventory", $0] } ?? []) + inputAssignments.flatMap { ["--input", $0] }
            + inputFiles.flatMap { ["--inputs", $0] }
    }
}

/// Where secret values come from besides `RIG_SECRET_<name>` environment variables.
struct SecretOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A YAML file of secret values, readable by its owner only (chmod 600).", valueName: "file"))
    var secrets: String?
}

/// How rig reaches remote hosts.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .customLong("ssh-config"), help: ArgumentHelp("An ssh_config file handed to ssh as -F.", valueName: "file"))
    var sshConfig: String?

    @Flag(
        name: .customLong("accept-new-host-keys"),
        help: "Trust host keys not yet in known_hosts (StrictHostKeyChecking=accept-new). Changed keys are still refused.")
    var acceptNewHostKeys = false
}

/// Scheduling flags shared by `run` and `resume`.
struct ExecutionFlags: ParsableArguments {
    @Option(name: .shortAndLong, help: "How many tasks may run at once, across all hosts.")
    var jobs: Int = ExecutionFlags.defaultJobs

    @Flag(name: .customLong("keep-going"), help: "After a failure, keep running every task that does not depend on it.")
    var keepGoing = false

    @Option(help: "Progress output: text (live on a terminal, one line per event otherwise) or json (JSON lines).")
    var output: OutputFormat = .text

    /// Remote work waits on the network, not this machine's CPUs; 16 keeps a small lab's hosts
    /// busy at once where Ansible's 5 forks would queue them.
    static let defaultJobs = 16

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1 (got \(jobs))") }
    }
}
