import Foundation

/// The files `rig init` writes into a new workflow folder. Existing files are never replaced.
enum WorkflowScaffold {
    static let workflowFile = "workflow.yaml"
    static let inventoryFile = "inventory.yaml"

    // Local steps only, so the first `rig run` works on any machine. Once workflows can extend
    // others, this becomes an overlay of tator-multinode.yaml.
    static let workflow = """
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

    static let inventory = """
        # The machines this workflow runs on. `here` is this machine; add yours below it, e.g.
        #   - {name: node1, address: 192.168.1.21, user: ubuntu, roles: [worker]}
        # See docs/inventory.md. Never put passwords or tokens here: use secrets.
        hosts:
          - {name: here, address: 127.0.0.1, connection: local, roles: [tools]}

        """

    /// Writes the files that do not exist yet; returns the names written.
    static func write(into folder: URL) throws -> [String] {
        var written: [String] = []
        for (name, text) in [(workflowFile, workflow), (inventoryFile, inventory)] {
            let target = folder.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: target.path) { continue }
            try Data(text.utf8).write(to: target, options: .withoutOverwriting)
            written.append(name)
        }
        return written
    }
}
