import OrderedCollections
import RigModel
import Testing

@testable import RigKit

@Suite struct FingerprintBuilderTests {
    private let yaml = """
        name: cluster
        inputs:
          pod_network: {type: cidr, default: 10.244.0.0/16}
          greeting: {type: string, default: hello}
        secrets:
          registry_password: {}
        hosts:
          hosts:
            - {name: master, address: 10.0.0.1, roles: [control]}
            - {name: w1, address: 10.0.0.2, roles: [worker]}
            - {name: w2, address: 10.0.0.3, roles: [worker]}
        steps:
          - id: init
            type: shell
            on: control
            outputs:
              join_command: {secret: true}
              endpoint: {}
            with:
              run: kubeadm init --pod-network-cidr=${{ inputs.pod_network }} --advertise=${{ host.address }}
          - id: join
            type: shell
            needs: init
            on: worker
            unless: test -f /etc/kubernetes/kubelet.conf
            with:
              run: ${{ steps.init.outputs.join_command }} --from ${{ steps.init.outputs.endpoint }}
          - id: login
            type: shell
            needs: join
            on: control
            with:
              run: docker login --password-stdin <<< ${{ secrets.registry_password | shell }}; echo ${{ inputs.greeting }}
        """

    private func fingerprints(_ workflow: Workflow, inputs: OrderedDictionary<String, Value>) throws -> [TaskID: Fingerprint] {
        let (tasks, needs) = expandTasks(workflow)
        let defs = try TaskDefinitionBuilder.definitions(
            workflow: workflow, inputs: inputs, registry: fakeRegistry(), tasks: tasks,
            needs: needs)
        return try FingerprintTable.compute(defs)
    }

    private func inputs(_ workflow: Workflow, _ assignments: [String] = []) throws -> OrderedDictionary<String, Value> {
        try InputResolver.resolve(workflow, assignments: assignments, files: [])
    }

    @Test func definitionsRenderSecretsAndOutputsAsPlaceholders() throws {
        let workflow = try loadWorkflow(yaml)
        let (tasks, needs) = expandTasks(workflow)
        let defs = try TaskDefinitionBuilder.definitions(
            workflow: workflow, inputs: try inputs(workflow), registry: fakeRegistry(),
            tasks: tasks, needs: needs)
        let byTask = Dictionary(uniqueKeysWithValues: defs.map { ($0.task, $0) })
        #expect(
            byTask[task("init", "master")]?.parameters["run"]
                == .string("kubeadm init --pod-network-cidr=10.244.0.0/16 --advertise=10.0.0.1"))
        #expect(
            byTask[task("join", "w1")]?.parameters["run"]
                == .string("<steps.init.outputs.join_command> --from <steps.init.outputs.endpoint>"))
        #expect(byTask[task("join", "w2")]?.guardCommand == "test -f /etc/kubernetes/kubelet.conf")
        #expect(byTask[task("login", "master")]?.parameters["run"]?.text.contains("<secret:registry_password>") == true)
        #expect(byTask[task("login", "master")]?.needs == [task("join", "w1"), task("join", "w2")])
        #expect(byTask[task("init", "master")]?.outputs == ["join_command": true, "endpoint": false])
    }

    @Test func changingAnInputChangesOnlyTheTasksThatUseItAndWhatNeedsThem() throws {
        let workflow = try loadWorkflow(yaml)
        let before = try fingerprints(workflow, inputs: try inputs(workflow))
        #expect(try fingerprints(workflow, inputs: try inputs(workflow)) == before, "stable for the same files and inputs")
        let after = try fingerprints(workflow, inputs: try inputs(workflow, ["greeting=bonjour"]))
        #expect(after[task("init", "master")] == before[task("init", "master")])
        #expect(after[task("join", "w1")] == before[task("join", "w1")])
        #expect(after[task("login", "master")]!.changedFields(since: before[task("login", "master")]!) == ["with.run"])
        let network = try fingerprints(workflow, inputs: try inputs(workflow, ["pod_network=10.32.0.0/12"]))
        #expect(network[task("init", "master")]!.changedFields(since: before[task("init", "master")]!) == ["with.run"])
        #expect(network[task("join", "w1")]!.changedFields(since: before[task("join", "w1")]!) == ["needs"])
    }

    @Test func secretOutputReadersAreFoundWithTheirProducer() throws {
        let workflow = try loadWorkflow(yaml)
        let uses = TaskDefinitionBuilder.secretOutputUses(workflow: workflow, tasks: expandTasks(workflow).tasks)
        #expect(
            uses == [
                task("join", "w1"): [SecretOutputUse(producer: task("init", "master"), output: "join_command")],
                task("join", "w2"): [SecretOutputUse(producer: task("init", "master"), output: "join_command")],
            ])
    }
}
