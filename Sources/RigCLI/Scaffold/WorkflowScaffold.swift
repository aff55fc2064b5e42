import ArgumentParser
import Foundation

/// The files `rig init` writes into a new workflow folder. Existing files are never replaced.
enum WorkflowScaffold {
    enum Template: String, CaseIterable, ExpressibleByArgument {
        /// An overlay of the shipped Tator workflow, with a copy of it so every revision holds it.
        case tator
        /// Two steps on this machine: a first run that works anywhere.
        case local
    }

    static let workflowFile = "workflow.yaml"
    static let inventoryFile = "inventory.yaml"
    static let siteFile = "site.yaml"

    /// The files of `template` for `folder`, by path relative to it.
    static func files(_ template: Template, for folder: URL) throws -> [(name: String, contents: Data)] {
        switch template {
        case .local:
            return [(workflowFile, Data(localWorkflow.utf8)), (inventoryFile, Data(localInventory.utf8))]
        case .tator:
            guard let shipped = ShippedWorkflows.locate(from: folder) else {
                throw CLIError.invalidFlag(
                    "--template tator",
                    "cannot find rig's workflows/\(ShippedWorkflows.tatorWorkflow) above \(folder.path) or above the rig executable; run `rig init` from inside rig's checkout, or use `--template local` for a workflow of local steps"
                )
            }
            return [
                (workflowFile, Data(tatorWorkflow.utf8)),
                ("workflows/\(ShippedWorkflows.tatorWorkflow)", try shipped.contents(of: ShippedWorkflows.tatorWorkflow)),
                (inventoryFile, try shipped.contents(of: ShippedWorkflows.inventoryExample)),
                (siteFile, try shipped.contents(of: ShippedWorkflows.siteExample)),
            ]
        }
    }

    /// Writes the files that do not exist yet; returns the names written.
    static func write(_ files: [(name: String, contents: Data)], into folder: URL) throws -> [String] {
        var written: [String] = []
        for (name, contents) in files {
            let target = folder.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: target.path) { continue }
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try contents.write(to: target, options: .withoutOverwriting)
            written.append(name)
        }
        return written
    }

    static let tatorWorkflow = """
        # Your Tator deployment: rig's workflow of the multi-node tutorial (workflows/tator-multinode.yaml,
        # a copy of the one shipped with rig; see docs/tator.md) plus your own steps. Edit this file,
        # not the copy. rig records every state of this folder's files as a revision:
        #   rig plan workflow.yaml --inputs site.yaml     what runs where, and whether the files changed
        #   rig run workflow.yaml --inputs site.yaml      record a revision if the files changed, then run
        #   rig history / rig diff                        the revisions, the runs of each, what changed
        # Put your machines in inventory.yaml and your site's addresses in site.yaml; secrets go in
        # the environment (RIG_SECRET_dockerPassword) or a secrets file, never here.
        name: my-tator
        extends: tator-multinode.yaml
        hosts: inventory.yaml

        steps:
          # Your own steps: `needs:` the shipped steps they follow, `before:` one they must precede
          # (`rig steps` lists the types; `rig new-step NAME` makes a plugin). This one leaves a
          # note on every node once it is labelled, before Tator's values.yaml is written.
          - id: site-note
            type: shell
            description: Say on every node which cluster it belongs to.
            needs: label
            before: values
            on: all
            with:
              run: echo "Node of the Tator cluster ${{ inputs.domain }}, deployed by rig." > /etc/motd

          # A shipped step's parameters change by naming it; a step goes away with `disabled: true`:
          # - id: preflight
          #   with: {minDiskGB: 100}
          # - id: duckdns
          #   disabled: true

        """

    static let localWorkflow = """
        # Your workflow. rig records every state of this folder's files as a revision:
        #   rig run workflow.yaml        record a revision if the files changed, then run
        #   rig history                  revisions and the runs of each
        #   rig diff                     what changed since the latest revision
        # Steps here run on this machine (the `here` host); add your machines to inventory.yaml
        # and target them with `on:` (a host name, a role, or all).
        name: my-workflow
        description: A starting point; replace the steps with your own.

        inputs:
          workdir: {type: string, default: /tmp/rig-my-workflow, description: Where the steps write their files.}

        hosts: inventory.yaml

        steps:
          - id: prepare
            type: shell
            on: here
            with:
              run: mkdir -p ${{ inputs.workdir | shell }}

          - id: hello
            type: shell
            needs: prepare
            on: here
            with:
              run: echo "hello from ${{ hosts.here.name }}" > ${{ inputs.workdir | shell }}/hello.txt

        """

    static let localInventory = """
        # The machines this workflow runs on. `here` is this machine; add yours below it, e.g.
        #   - {name: node1, address: 192.168.1.21, user: ubuntu, roles: [worker]}
        # See docs/inventory.md. Never put passwords or tokens here: use secrets.
        hosts:
          - {name: here, address: 127.0.0.1, connection: local, roles: [tools]}

        """
}
