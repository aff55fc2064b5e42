import Foundation
import RigKit
import RigModel
import Testing

private let workflowText = """
    secrets:
      registry_password: {description: pushes images}
      join_token:
      duckdns: {optional: true}
    steps: [{id: a, type: noop}]
    """

@Suite struct SecretResolverSources {
    @Test func environmentThenFileThenPrompt() throws {
        let workflow = try loadWorkflow(workflowText)
        let folder = TemporaryFolder()
        let file = folder.write("s.yaml", "registry_password: from-file\njoin_token: 'tok: en'\nunused: x\n", mode: 0o600)
        var prompted: [String] = []
        let values = try SecretResolver.resolve(workflow, environment: ["RIG_SECRET_registry_password": "from-env"], secretsFile: file) {
            name in
            prompted.append(name)
            return "typed"
        }
        #expect(values.value("registry_password") == "from-env")
        #expect(values.value("join_token") == "tok: en")
        #expect(values.value("duckdns") == nil, "optional secrets are not prompted for")
        #expect(prompted == [])
        #expect(values.names == ["registry_password", "join_token"])

        let typed = try SecretResolver.resolve(workflow, environment: [:], secretsFile: nil) { name in
            prompted.append(name)
            return "typed-\(name)"
        }
        #expect(prompted == ["registry_password", "join_token"])
        #expect(typed.value("join_token") == "typed-join_token")
    }

    @Test func missingSecretsNameTheVariableAndTheFileOption() throws {
        let workflow = try loadWorkflow(workflowText)
        let folder = TemporaryFolder()
        let file = folder.write("s.yaml", "registry_pasword: x\n", mode: 0o600)
        do {
            _ = try SecretResolver.resolve(workflow, environment: [:], secretsFile: file, prompt: { _ in nil })
            Issue.record("resolved without values")
        } catch {
            #expect(error.diagnostics.map(\.message) == ["secret 'registry_password' has no value", "secret 'join_token' has no value"])
            #expect(error.diagnostics.map(\.position) == ["2:3", "3:3"])
            #expect(
                error.diagnostics[0].hint == "set the environment variable RIG_SECRET_registry_password, or add `registry_password: VALUE` "
                    + "to a secrets file (chmod 600) given with --secrets FILE. The secrets file has 'registry_pasword': is it misspelt?")
        }
    }

    @Test func aFileOthersCanReadIsRefused() throws {
        let workflow = try loadWorkflow(workflowText)
        let folder = TemporaryFolder()
        for mode in [0o644, 0o640, 0o604] {
            let file = folder.write("s-\(mode).yaml", "registry_password: hunter2\njoin_token: x\n", mode: mode)
            do {
                _ = try SecretResolver.resolve(workflow, environment: [:], secretsFile: file, prompt: nil)
                Issue.record("read a file with mode \(String(mode, radix: 8))")
            } catch {
                #expect(error.diagnostics.count == 1)
                #expect(
                    error.diagnostics[0].message == "secrets file '\(file)' can be read by other users (mode \(String(mode, radix: 8)))")
                #expect(error.diagnostics[0].hint == "restrict it to its owner with `chmod 600 \(file)`, then run again")
            }
        }
    }

    @Test func valuesNeverShowInMessagesOrDescriptions() throws {
        let workflow = try loadWorkflow(workflowText)
        let folder = TemporaryFolder()
        let file = folder.write("s.yaml", "registry_password: [hunter2]\njoin_token: 'x\n", mode: 0o600)
        do {
            _ = try SecretResolver.resolve(workflow, environment: [:], secretsFile: file, prompt: nil)
        } catch {
            #expect(!error.description.contains("hunter2"))
        }
        let values = SecretValues(["a": "hunter2", "b": "xyz", "c": ""])
        #expect(values.description == "SecretValues(a, b, c)")
        #expect(!"\(values)".contains("hunter2") && !String(reflecting: values).contains("hunter2"))
        var dumped = ""
        dump(values, to: &dumped)
        #expect(!dumped.contains("hunter2"))
        #expect(values.allValues == ["hunter2", "xyz"])
    }

    @Test func nonTextValuesInTheFileAreLocated() throws {
        let workflow = try loadWorkflow(workflowText)
        let folder = TemporaryFolder()
        let file = folder.write("s.yaml", "registry_password: {a: 1}\njoin_token: x\n", mode: 0o600)
        do {
            _ = try SecretResolver.resolve(workflow, environment: [:], secretsFile: file, prompt: nil)
            Issue.record("accepted a map")
        } catch {
            #expect(error.diagnostics.map(\.message) == ["secret 'registry_password' in the secrets file must be a text value"])
            #expect(error.diagnostics[0].position == "1:20")
        }
    }
}
