import ArgumentParser
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

    /// The recorded files and inputs as `rig run` options. Values go as `--name=value` and the
    /// file after `--`, so a recorded value that starts with a dash reads back unchanged.
    var workflowOptions: WorkflowOptions {
        get throws {
            let arguments =
                (inventory.map { ["--inventory=" + $0] } ?? []) + inputAssignments.map { "--input=" + $0 }
                + inputFiles.map { "--inputs=" + $0 }
            return try reparse(WorkflowOptions.self, arguments + ["--", workflowPath])
        }
    }

    var secretOptions: SecretOptions {
        get throws { try reparse(SecretOptions.self, secretsFile.map { ["--secrets=" + $0] } ?? []) }
    }

    var connectionOptions: ConnectionOptions {
        get throws {
            try reparse(
                ConnectionOptions.self,
                (sshConfig.map { ["--ssh-config=" + $0] } ?? []) + (acceptNewHostKeys ? ["--accept-new-host-keys"] : []))
        }
    }

    private func reparse<Options: ParsableArguments>(_ type: Options.Type, _ arguments: [String]) throws -> Options {
        do {
            return try Options.parse(arguments)
        } catch {
            throw UnreadableRunSettings(workflowPath: workflowPath, reason: Options.message(for: error))
        }
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

/// Settings recorded in a run's `run.json` that this rig cannot take back: the file was edited
/// or damaged, or written by an incompatible rig.
struct UnreadableRunSettings: Error, CustomStringConvertible {
    var workflowPath: String
    var reason: String

    var description: String {
        "the run's recorded settings (its run.json) cannot be read back: \(reason). "
            + "The file was edited, damaged or written by an incompatible rig; start a new run instead: "
            + "rig run \(shellQuote(workflowPath))"
    }
}
