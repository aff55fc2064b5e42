import Foundation
import OrderedCollections
import RigModel
import RigTestSupport
import Testing

@testable import RigVersioning

@Suite struct WorkflowDiffTests {
    private func at(_ line: Int) -> RigModel.SourceLocation { RigModel.SourceLocation(file: "workflow.yaml", line: line, column: 3) }

    private func template(_ text: String, line: Int = 1) -> ParameterNode { .template(Template(literal: text, location: at(line))) }

    private var base: Workflow {
        Workflow(
            name: "tator",
            inputs: [
                InputDeclaration(name: "domain", type: .hostname, defaultValue: .string("tator.lan")),
                InputDeclaration(name: "version", type: .string, defaultValue: .string("1.2.0")),
            ],
            secrets: [SecretDeclaration(name: "REGISTRY_PASSWORD")],
            inventory: Inventory(hosts: [
                InventoryHost(name: "node1", address: "192.168.1.21", roles: ["master"], labels: ["webServer": "yes"]),
                InventoryHost(name: "node2", address: "192.168.1.22", roles: ["worker"], vars: ["disk": .string("/dev/sdb")]),
                InventoryHost(name: "node3", address: "192.168.1.23", roles: ["worker"]),
            ]),
            steps: [
                Step(id: "prepare", type: "shell", on: ["all"], with: .map(["run": template("apt-get update", line: 10)], at(9))),
                Step(
                    id: "build", type: "shell", needs: ["prepare"], on: ["master"],
                    with: .map(
                        [
                            "run": template("make", line: 20),
                            "env": .map(["JOBS": .literal(.int(2), at(22)), "MODE": template("fast")], at(21)),
                        ], at(19))),
                Step(
                    id: "deploy", type: "tator.helm", needs: ["build"], on: ["master"],
                    with: .map(
                        [
                            "version": .template(
                                Template(
                                    parts: [.expression(.reference(["inputs", "version"], nil), source: "inputs.version")],
                                    source: "${{ inputs.version }}", location: nil))
                        ], nil)),
                Step(id: "legacy", type: "shell", on: ["node3"]),
            ])
    }

    @Test func identicalWorkflowsWrittenDifferentlyHaveNoDiff() {
        var moved = base
        moved.steps = moved.steps.map { step in
            var step = step
            step.location = at(99)
            if case .map(let entries, _) = step.with {
                step.with = .map(OrderedDictionary(uniqueKeysWithValues: entries.reversed().map { ($0.key, $0.value) }), at(98))
            }
            return step
        }
        moved.steps.reverse()
        moved.inventory.hosts.reverse()
        let diff = WorkflowDiff.compare(old: base, new: moved)
        #expect(diff.isEmpty)
        #expect(diff.summaryLine() == nil)
        #expect(diff.text == "No changes to steps, inputs, hosts or secrets.\n")
    }

    @Test func typicalDeploymentEditIsSummarizedInOneLine() {
        var new = base
        new.inventory.hosts.append(InventoryHost(name: "node4", address: "192.168.1.24", roles: ["worker"]))
        new.inventory.hosts[1].labels["gpuWorker"] = "yes"
        new.steps[1].with = .map(
            ["run": template("make -j4"), "env": .map(["JOBS": .literal(.int(2), nil), "MODE": template("fast")], nil)], nil)

        let diff = WorkflowDiff.compare(old: base, new: new)

        #expect(diff.summaryLine() == "add worker node4; label gpuWorker=yes on node2; change with.run of step build")
        #expect(diff.hostsAdded == [.init(name: "node4", address: "192.168.1.24", roles: ["worker"])])
        #expect(diff.hostsChanged == [.init(name: "node2", changes: [.init(field: "labels.gpuWorker", old: nil, new: "yes")])])
        #expect(diff.stepsChanged == [.init(name: "build", changes: [.init(field: "with.run", old: "make", new: "make -j4")])])
    }

    @Test func everyKindOfStepChangeIsNamedByField() {
        var new = base
        new.steps[1].type = "make"
        new.steps[1].needs = ["fetch"]
        new.steps[1].on = ["master", "node2"]
        new.steps[1].when = Template(literal: "${{ inputs.build }}")
        new.steps[1].with = .map(
            ["run": template("make"), "env": .map(["JOBS": .literal(.int(8), nil)], nil), "target": template("all")], nil)
        new.steps[1].outputs = [OutputDeclaration(name: "token", secret: true)]
        new.steps[1].timeout = .seconds(90)
        new.steps[1].retries = RetryPolicy(count: 3)

        let changes = WorkflowDiff.compare(old: base, new: new).stepsChanged
        #expect(changes.map(\.name) == ["build"])
        #expect(
            changes[0].changes == [
                .init(field: "type", old: "shell", new: "make"),
                .init(field: "needs", old: "prepare", new: nil),
                .init(field: "needs", old: nil, new: "fetch"),
                .init(field: "on", old: nil, new: "node2"),
                .init(field: "with.env.MODE", old: "fast", new: nil),
                .init(field: "with.env.JOBS", old: "2", new: "8"),
                .init(field: "with.target", old: nil, new: "all"),
                .init(field: "when", old: nil, new: "${{ inputs.build }}"),
                .init(
                    field: "retries", old: "count 0, backoff 1s, max_delay 1m, jitter true",
                    new: "count 3, backoff 1s, max_delay 1m, jitter true"),
                .init(field: "timeout", old: nil, new: "1m30s"),
                .init(field: "outputs", old: nil, new: "token (secret)"),
            ])
        #expect(changes[0].fields.prefix(4) == ["type", "needs", "on", "with.env.MODE"])
    }

    @Test func stepsInputsHostsAndSecretsAddedAndRemoved() {
        var new = base
        new.steps.removeAll { $0.id == "legacy" }
        new.steps.append(Step(id: "gpu", type: "tator.gpu-operator", on: ["gpu"]))
        new.inputs.removeAll { $0.name == "domain" }
        new.inputs.append(InputDeclaration(name: "replicas", type: .int, defaultValue: .int(2)))
        new.inputs[0].defaultValue = .string("1.3.0")
        new.inventory.hosts.removeAll { $0.name == "node3" }
        new.inventory.hosts[0].address = "10.0.0.1"
        new.inventory.hosts[0].roles.append("nfs")
        new.inventory.hosts[0].labels["webServer"] = nil
        new.inventory.hosts[1].vars["disk"] = .string("/dev/sdc")
        new.secrets = [SecretDeclaration(name: "DUCKDNS_TOKEN")]

        let diff = WorkflowDiff.compare(old: base, new: new)
        #expect(diff.stepsAdded == [.init(id: "gpu", type: "tator.gpu-operator")])
        #expect(diff.stepsRemoved == [.init(id: "legacy", type: "shell")])
        #expect(diff.inputsAdded == [.init(name: "replicas", type: "int", defaultValue: "2")])
        #expect(diff.inputsRemoved == [.init(name: "domain", type: "hostname", defaultValue: "tator.lan")])
        #expect(diff.inputsChanged == [.init(name: "version", changes: [.init(field: "default", old: "1.2.0", new: "1.3.0")])])
        #expect(diff.hostsRemoved.map(\.name) == ["node3"])
        #expect(diff.hostsChanged.map(\.name) == ["node1", "node2"])
        #expect(
            diff.hostsChanged[0].changes == [
                .init(field: "address", old: "192.168.1.21", new: "10.0.0.1"),
                .init(field: "roles", old: nil, new: "nfs"),
                .init(field: "labels.webServer", old: "yes", new: nil),
            ])
        #expect(diff.hostsChanged[1].changes == [.init(field: "vars.disk", old: "/dev/sdb", new: "/dev/sdc")])
        #expect(diff.secretsAdded == ["DUCKDNS_TOKEN"] && diff.secretsRemoved == ["REGISTRY_PASSWORD"])
        #expect(
            diff.summaryPhrases == [
                "remove worker node3", "move node1 to 10.0.0.1", "add role nfs to node1", "remove label webServer from node1",
                "change vars.disk of node2", "add step gpu", "remove step legacy", "add input replicas", "remove input domain",
                "change default of input version", "add secret DUCKDNS_TOKEN", "remove secret REGISTRY_PASSWORD",
            ])

        #expect(
            diff.text == """
                Steps:
                  + gpu (tator.gpu-operator)
                  - legacy (shell)
                Inputs:
                  + replicas (int, default 2)
                  - domain (hostname, default tator.lan)
                  ~ version
                      ~ default: 1.2.0 → 1.3.0
                Hosts:
                  - node3 192.168.1.23 (roles: worker)
                  ~ node1
                      ~ address: 192.168.1.21 → 10.0.0.1
                      + roles: nfs
                      - labels.webServer: yes
                  ~ node2
                      ~ vars.disk: /dev/sdb → /dev/sdc
                Secrets:
                  + DUCKDNS_TOKEN
                  - REGISTRY_PASSWORD

                """)
    }

    @Test func longSummariesEndWithACountOfTheRest() {
        var new = base
        for n in 0..<20 { new.steps.append(Step(id: "extra-step-\(n)", type: "shell")) }
        let line = WorkflowDiff.compare(old: base, new: new).summaryLine(limit: 80)
        #expect(line == "add step extra-step-0; add step extra-step-1; and 18 more changes")
        #expect((line?.count ?? 0) <= 80)
    }

    @Test func affectedStepsFollowInputsHostsAndNeeds() {
        var new = base
        new.inputs[1].defaultValue = .string("1.3.0")
        #expect(WorkflowDiff.compare(old: base, new: new).affectedSteps(old: base, new: new) == ["deploy"])

        var relabeled = base
        relabeled.inventory.hosts[2].labels["gpuWorker"] = "yes"
        // node3 is targeted by `all` (prepare) and by name (legacy); build and deploy need prepare.
        #expect(
            WorkflowDiff.compare(old: base, new: relabeled).affectedSteps(old: base, new: relabeled)
                == ["prepare", "build", "deploy", "legacy"])

        var edited = base
        edited.steps[1].with = .map(["run": template("make -j8")], nil)
        #expect(WorkflowDiff.compare(old: base, new: edited).affectedSteps(old: base, new: edited) == ["build", "deploy"])
    }

    @Test func revisionSummaryUsesTheLoaderAndFallsBackToFileNames() throws {
        let workflows = [
            "v1": base,
            "v2": {
                var w = base
                w.inventory.hosts.append(InventoryHost(name: "node4", address: "x", roles: ["worker"]))
                return w
            }(),
        ]
        let load: ([(path: String, content: Data)]) throws -> Workflow = { files in
            let text = String(decoding: files.first { $0.path == "workflow.yaml" }!.content, as: UTF8.self)
            guard let workflow = workflows[text] else { throw ValidationFailure([.error("cannot load")]) }
            return workflow
        }
        let v1 = [(path: "workflow.yaml", content: data("v1"))]
        let v2 = [(path: "workflow.yaml", content: data("v2")), (path: "plugins/a.sh", content: data("x"))]
        let broken = [(path: "workflow.yaml", content: data("broken"))]

        #expect(RevisionSummary.line(previous: nil, current: v1, load: load) == "Initial revision of tator: 4 steps, 3 hosts")
        #expect(RevisionSummary.line(previous: v1, current: v2, load: load) == "add worker node4")
        #expect(RevisionSummary.line(previous: v2, current: broken, load: load) == "edit workflow.yaml; remove plugins/a.sh")
        #expect(
            RevisionSummary.line(previous: v1, current: v1 + [(path: "notes.md", content: data("n"))], load: load)
                == "add notes.md (no semantic change)")
    }

    @Test func semanticDiffBetweenStoredRevisionsLoadsEachSide() throws {
        let fixture = try StoreFixture()
        let workflows = [
            "v1": base,
            "v2": {
                var w = base
                w.secrets = []
                return w
            }(),
        ]
        let load: ([(path: String, content: Data)]) throws -> Workflow = { files in
            workflows[String(decoding: files[0].content, as: UTF8.self)]!
        }
        try fixture.commit(["workflow.yaml": "v1"])
        try fixture.store.commitRevision(files: [(path: "workflow.yaml", content: data("v2"))]) { previous in
            RevisionSummary.line(previous: previous, current: [(path: "workflow.yaml", content: data("v2"))], load: load)
        }
        #expect(try fixture.git("log", "-1", "--format=%s") == "remove secret REGISTRY_PASSWORD")
        #expect(try fixture.store.workflowDiff(from: "HEAD~1", to: "HEAD", load: load).secretsRemoved == ["REGISTRY_PASSWORD"])
    }
}
