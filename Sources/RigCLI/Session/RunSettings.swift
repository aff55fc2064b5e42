import Foundation
import OrderedCollections
import RigKit

/// What a run was started with — the files, inputs and flags — as `run.json` records them, so
/// `rig resume` can start from the same settings without being told them again.
struct RunSettings: Equatable {
    /// Absolute paths.
    var workflowPath: String
    var inventory: String?
    var inputAssignments: [String] = []
    var inputFiles: [String] = []
    var secretsFile: String?
    var sshConfig: String?
    var acceptNewHostKeys = false
    var jobs = ExecutionFlags.defaultJobs
    var keepGoing = false

    init(workflow: WorkflowOptions, secrets: SecretOptions, connection: ConnectionOptions, flags: ExecutionFlags) {
        workflowPath = absolutePath(workflow.file)
        inventory = workflow.inventory.map(absolutePath)
        inputAssignments = workflow.inputAssignments
        inputFiles = workflow.inputFiles.map(absolutePath)
        secretsFile = secrets.secrets.map(absolutePath)
        sshConfig = connection.sshConfig.map(absolutePath)
        acceptNewHostKeys = connection.acceptNewHostKeys
        jobs = flags.jobs
        keepGoing = flags.keepGoing
    }

    /// The settings an earlier run recorded.
    init(manifest: RunManifest) {
        workflowPath = manifest.workflowPath
        inventory = manifest.inventoryFile
        inputAssignments = manifest.inputs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        inputFiles = manifest.inputFiles
        secretsFile = manifest.options["secrets"]
        sshConfig = manifest.options["ssh-config"]
        acceptNewHostKeys = manifest.options["accept-new-host-keys"] == "true"
        jobs = manifest.options["jobs"].flatMap { Int($0) } ?? ExecutionFlags.defaultJobs
        keepGoing = manifest.options["keep-going"] == "true"
    }

    /// The files the workflow is assembled from: the no-op cache hashes their content.
    var sourceFiles: [String] { [workflowPath] + (inventory.map { [$0] } ?? []) + inputFiles }

    /// `--input` values by name; a later assignment of the same name wins.
    var inputs: [String: String] {
        var values: [String: String] = [:]
        for assignment in inputAssignments {
            guard let eq = assignment.firstIndex(of: "=") else { continue }
            values[String(assignment[..<eq])] = String(assignment[assignment.index(after: eq)...])
        }
        return values
    }

    /// What besides the source files changes results: input values and rig's version.
    var cacheSettings: OrderedDictionary<String, String> {
        var settings: OrderedDictionary<String, String> = ["rig": RigCommand.configuration.version]
        for (name, value) in inputs.sorted(by: { $0.key < $1.key }) { settings["input." + name] = value }
        return settings
    }

    var workflowOptions: WorkflowOptions {
        let arguments = WorkflowCompletion.arguments(inventory: inventory, inputAssignments: inputAssignments, inputFiles: inputFiles)
        return try! WorkflowOptions.parse([workflowPath] + arguments)
    }

    var secretOptions: SecretOptions { try! SecretOptions.parse(secretsFile.map { ["--secrets", $0] } ?? []) }

    var connectionOptions: ConnectionOptions {
        try! ConnectionOptions.parse(
            (sshConfig.map { ["--ssh-config", $0] } ?? []) + (acceptNewHostKeys ? ["--accept-new-host-keys"] : []))
    }

    /// The run record for a new run (secrets are named by file only, never by value).
    func manifest(id: String, revision: String?, resumedFrom: String?, key: CacheKey) -> RunManifest {
        var options = ["jobs": String(jobs), "keep-going": String(keepGoing)]
        if let secretsFile { options["secrets"] = secretsFile }
        if let sshConfig { options["ssh-config"] = sshConfig }
        if acceptNewHostKeys { options["accept-new-host-keys"] = "true" }
        return RunManifest(
            id: id, workflowPath: workflowPath, resumedFrom: resumedFrom, revision: revision, inputs: inputs,
            inputFiles: inputFiles, inventoryFile: inventory, options: options, sourceFiles: key.sourceFiles,
            settingsDigest: key.settingsDigest)
    }
}
