import ArgumentParser
import Foundation
import RigVersioning

/// `rig init [DIR]`: a workflow folder to start from, with its revision store.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a workflow folder: a workflow to start from, an inventory template, a .gitignore, and the revision store.",
        discussion: """
            With --template tator (the default), workflow.yaml extends the Tator workflow, of which a \
            copy goes into workflows/ (so every revision holds exactly what it extends), with one \
            example step of your own; inventory.yaml and site.yaml are the example inventory and \
            inputs to fill in (or have `rig lab files DIR` write them for a rehearsal lab). With \
            --template local, two steps run on this machine, so a first run works anywhere. \
            Files that already exist are left as they are; the .gitignore only gains the lines it \
            lacks (.rig/ and *.secrets.yaml). With --fresh-store, a damaged revision store is moved \
            aside to .rig/revisions.git.damaged-<time> (nothing is deleted) and an empty one created. \
            \(ExitStatus.helpText)
            """
    )

    @Argument(help: "The folder (default: the current folder); created if missing.", completion: .directory)
    var directory: String = "."

    @Option(help: "What to start from: tator (an overlay of the Tator workflow) or local (steps on this machine).")
    var template: WorkflowScaffold.Template = .tator

    @Flag(name: .customLong("fresh-store"), help: "Replace a damaged revision store with an empty one, keeping the damaged one aside.")
    var freshStore = false

    func run() throws {
        let folder = URL(fileURLWithPath: absolutePath(directory), isDirectory: true)
        let lines = try reportingErrors { try initialize(folder) }
        print(lines.joined(separator: "\n"))
    }

    private func initialize(_ folder: URL) throws -> [String] {
        let storeURL = RevisionStore.location(forWorkflowDirectory: folder)
        if freshStore { return try replaceDamagedStore(storeURL, folder: folder) }
        let files = try WorkflowScaffold.files(template, for: folder)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw RevisionStoreError.cannotCreate(
                store: storeURL.path, detail: "cannot create \(folder.path): \(error.localizedDescription)")
        }
        let storeExisted = FileManager.default.fileExists(atPath: storeURL.path)
        let store = try RevisionStore(workflowDirectory: folder)
        var lines: [String]
        do {
            lines = try WorkflowScaffold.write(files, into: folder).map { "Created \($0)" }
            lines += try StateIgnoreFile.ensure(in: folder).map { "Added \($0) to .gitignore" }
        } catch {
            throw RevisionStoreError.cannotCreate(
                store: storeURL.path, detail: "cannot write into \(folder.path): \(error.localizedDescription)")
        }
        lines.append(storeExisted ? "Revision store already at \(store.url.path)" : "Created the revision store \(store.url.path)")
        let shown = directory == "." ? "" : (directory.hasSuffix("/") ? directory : directory + "/")
        let workflow = "\(shown)\(WorkflowScaffold.workflowFile)"
        let history = "rig history\(shown.isEmpty ? "" : " --folder \(directory)")"
        switch template {
        case .local:
            lines += ["", "Next: rig run \(workflow)   (records the first revision, then runs)", "      \(history)"]
        case .tator:
            let site = "\(shown)\(WorkflowScaffold.siteFile)"
            lines += [
                "", "Next: put your machines in \(shown)\(WorkflowScaffold.inventoryFile) and your site in \(site)",
                "      (or, to rehearse: rig lab up && rig lab files \(directory))",
                "      rig plan \(workflow) --inputs \(site)",
                "      rig run \(workflow) --inputs \(site)   (records the first revision, then runs)",
                "      \(history)",
            ]
        }
        return lines
    }

    private func replaceDamagedStore(_ storeURL: URL, folder: URL) throws -> [String] {
        do {
            _ = try RevisionStore(workflowDirectory: folder, createIfMissing: false)
        } catch RevisionStoreError.damaged {
            let aside = try RevisionStore.replaceDamagedStore(at: storeURL)
            _ = try RevisionStore(workflowDirectory: folder, createIfMissing: false)
            return ["Moved the damaged store to \(aside.path)", "Created a fresh revision store \(storeURL.path)"]
        } catch RevisionStoreError.missing {
            throw CLIError.invalidFlag(
                "--fresh-store", "there is no revision store at \(storeURL.path); run `rig init` without --fresh-store")
        }
        throw CLIError.invalidFlag("--fresh-store", "the revision store at \(storeURL.path) is not damaged; nothing was changed")
    }
}
