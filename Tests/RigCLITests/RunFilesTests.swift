import Foundation
import RigKit
import RigTestSupport
import Testing

@testable import RigCLI

@Suite struct RunFilesTests {
    @Test func aRunsFilesAreTheWorkflowWhatItReadsAndPluginsButNeverSecrets() throws {
        let folder = try TemporaryDirectory("rig-run-files")
        try folder.write("workflow.yaml", "name: w\nhosts: inventory/lab.yaml\nsteps:\n  - {id: a, type: shell, with: {run: 'true'}}\n")
        try folder.write("inventory/lab.yaml", "hosts:\n  - {name: here, address: 127.0.0.1, connection: local}\n")
        try folder.write("plugins/gpu/step.sh", "#!/bin/sh\n")
        try folder.write("plugins/.cache/x", "ignored\n")
        try folder.write("lab.secrets.yaml", "token: x\n")
        try folder.write("unrelated.yaml", "name: other\n")
        let outside = try TemporaryDirectory("rig-run-files-outside")
        try outside.write("inventory.yaml", "hosts: []\n")
        let path = folder.path("workflow.yaml").path
        let workflow = try WorkflowLoader(registry: .builtIns).load(workflowAt: path)

        let files = try RunFiles.resolve(workflow: workflow, workflowPath: path, secretsFile: folder.path("lab.secrets.yaml").path)
        #expect(files.files.map(\.path) == ["inventory/lab.yaml", "plugins/gpu/step.sh", "workflow.yaml"])
        #expect(files.workflowFile == "workflow.yaml" && files.outside.isEmpty)

        var withOutsideInventory = workflow
        withOutsideInventory.sourceFiles = [path, outside.path("inventory.yaml").path, folder.path("site.secrets.yaml").path]
        let other = try RunFiles.resolve(workflow: withOutsideInventory, workflowPath: path, secretsFile: nil)
        #expect(other.files.map(\.path) == ["plugins/gpu/step.sh", "workflow.yaml"])
        #expect(other.outside == [outside.path("inventory.yaml").path])
    }
}
