import Foundation
import RigKit
import RigModel
import Testing

@Suite struct InventorySSHConfigKey {
    static let workflow = "steps:\n  - {id: s, type: shell, on: all, with: {run: 'true'}}\n"

    @Test func relativePathStartsFromTheInventoryFilesFolder() throws {
        let folder = TemporaryFolder()
        let config = folder.write("lab/ssh_config", "Host *\n")
        folder.write("lab/other_config", "Host *\n")
        let inventory = folder.write(
            "lab/inventory.yaml",
            """
            defaults: {user: root, ssh_config: ssh_config}
            hosts:
              - {name: a, address: 10.0.0.1}
              - {name: b, address: 10.0.0.2, ssh_config: other_config}
            """)
        let path = folder.write("w.yaml", Self.workflow)
        let loaded = try WorkflowLoader(registry: fakeRegistry()).load(workflowAt: path, inventoryAt: inventory)
        #expect(loaded.inventory.hosts[0].sshConfig == config)
        #expect(loaded.inventory.hosts[1].sshConfig == folder.path + "/lab/other_config")
        #expect(Validator(registry: fakeRegistry()).validate(loaded, inputs: nil).filter { $0.severity == .error }.isEmpty)
    }

    @Test func missingSSHConfigFileIsReportedOnceWithTheHostsLocation() throws {
        let folder = TemporaryFolder()
        let inventory = folder.write(
            "inventory.yaml",
            """
            defaults: {ssh_config: nowhere/ssh_config}
            hosts:
              - {name: a, address: 10.0.0.1}
              - {name: b, address: 10.0.0.2}
            """)
        let path = folder.write("w.yaml", Self.workflow)
        // The loader reports it with the inventory's other problems, in one pass.
        let failure = #expect(throws: ValidationFailure.self) {
            try WorkflowLoader(registry: fakeRegistry()).load(workflowAt: path, inventoryAt: inventory)
        }
        let problems = (failure?.diagnostics ?? []).filter { $0.message.contains("ssh_config") }
        #expect(problems.count == 1)
        #expect(problems.first?.message.contains(folder.path + "/nowhere/ssh_config") == true)
        #expect(problems.first?.location?.file == inventory)
        #expect(problems.first?.location?.line == 3)
    }
}
