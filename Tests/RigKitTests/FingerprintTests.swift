import OrderedCollections
import RigModel
import Testing

@testable import RigKit

@Suite struct FingerprintTests {
    private func invocation(
        _ step: Step, parameters: OrderedDictionary<String, Value>, host: InventoryHost = .local, mode: StepInvocation.Mode = .display
    ) -> StepInvocation {
        StepInvocation(
            step: step, task: TaskID(step: step.id, host: host.name), host: host, parameters: parameters,
            inventory: Inventory(hosts: [host]), mode: mode)
    }

    private let schema = ParameterSchema(
        [
            .init("run", .script, required: true, description: "the script"),
            .init("color", .bool, description: "colored output", affectsResult: false),
            .init("password", .string, description: "a secret", secret: true),
        ], allowsOtherKeys: true)

    @Test func theDigestIsPinnedSoItStaysStableAcrossRunsAndSwiftVersions() {
        let d = definition(
            "install", host: "web1", run: "apt-get install -y nfs-common", needs: [], address: "10.0.0.5",
            unless: "dpkg -s nfs-common", outputs: ["version": false, "token": true])
        let fp = d.fingerprint(upstream: [:])
        #expect(fp.hex == "bbcdf5dd2600fa98dcfbc8838b72503ccc412cfbbc5111a84b1171ffaab071ac")
        #expect(fp.fields.map(\.name) == ["host", "needs", "outputs", "type", "unless", "with.run"])
        #expect(d.fingerprint(upstream: [:]) == fp)
    }

    @Test func mapKeyOrderDoesNotMatterButValueTypesDo() {
        var a = definition("s")
        a.parameters = ["env": .map(["A": .string("1"), "B": .string("2")]), "n": .int(1)]
        var b = a
        b.parameters = ["n": .int(1), "env": .map(["B": .string("2"), "A": .string("1")])]
        #expect(a.fingerprint(upstream: [:]) == b.fingerprint(upstream: [:]))
        var c = a
        c.parameters["n"] = .string("1")
        #expect(c.fingerprint(upstream: [:]).changedFields(since: a.fingerprint(upstream: [:])) == ["with.n"])
        var d = a
        d.parameters["n"] = .double(1)
        #expect(d.fingerprint(upstream: [:]) != a.fingerprint(upstream: [:]))
    }

    @Test func eachChangedFieldIsNamed() {
        let base = definition("join", host: "w1", run: "kubeadm join", unless: "test -f /etc/kubernetes/kubelet.conf")
        let fp = base.fingerprint(upstream: [:])
        var run = base
        run.parameters["run"] = .string("kubeadm join --v=5")
        #expect(run.fingerprint(upstream: [:]).changedFields(since: fp) == ["with.run"])
        var host = base
        host.host.address = "10.0.0.9"
        #expect(host.fingerprint(upstream: [:]).changedFields(since: fp) == ["host"])
        var guardChanged = base
        guardChanged.guardCommand = "true"
        #expect(guardChanged.fingerprint(upstream: [:]).changedFields(since: fp) == ["unless"])
        var guardRemoved = base
        guardRemoved.guardCommand = nil
        #expect(guardRemoved.fingerprint(upstream: [:]).changedFields(since: fp) == ["unless"])
        var added = base
        added.parameters["cwd"] = .string("/tmp")
        #expect(added.fingerprint(upstream: [:]).changedFields(since: fp) == ["with.cwd"])
        var type = base
        type.stepType = "tator.join"
        #expect(type.fingerprint(upstream: [:]).changedFields(since: fp) == ["type"])
        var outputs = base
        outputs.outputs = ["token": true]
        #expect(outputs.fingerprint(upstream: [:]).changedFields(since: fp) == ["outputs"])
        var when = base
        when.condition = "${{ inputs.gpu }}"
        #expect(when.fingerprint(upstream: [:]).changedFields(since: fp) == ["when"])
    }

    @Test func upstreamFingerprintsChainIntoDescendants() throws {
        let a = definition("a")
        let b = definition("b", needs: [task("a")])
        let c = definition("c", needs: [task("b")])
        let before = try FingerprintTable.compute([c, b, a])
        var a2 = a
        a2.parameters["run"] = .string("echo changed")
        let after = try FingerprintTable.compute([a2, b, c])
        #expect(after[task("a")]!.changedFields(since: before[task("a")]!) == ["with.run"])
        #expect(after[task("b")]!.changedFields(since: before[task("b")]!) == ["needs"])
        #expect(after[task("c")]!.changedFields(since: before[task("c")]!) == ["needs"])
        #expect(throws: FingerprintTable.Failure.self) { try FingerprintTable.compute([b]) }
        let loop = [definition("x", needs: [task("y")]), definition("y", needs: [task("x")])]
        #expect(throws: FingerprintTable.Failure.self) { try FingerprintTable.compute(loop) }
    }

    @Test func descriptionRetriesTimeoutAndDisplayOptionsDoNotCount() {
        var step = Step(id: "s", type: "shell")
        let params: OrderedDictionary<String, Value> = ["run": .string("make"), "color": .bool(true)]
        let base = TaskDefinition(invocation: invocation(step, parameters: params), schema: schema, needs: [])
            .fingerprint(upstream: [:])
        step.description = "now with words"
        step.retries = RetryPolicy(count: 5)
        step.timeout = .seconds(30)
        step.pool = "apt"
        var display = params
        display["color"] = .bool(false)
        let changed = TaskDefinition(invocation: invocation(step, parameters: display), schema: schema, needs: [])
            .fingerprint(upstream: [:])
        #expect(changed == base)
    }

    @Test func secretValuesNeverEnterAFingerprint() {
        let step = Step(id: "s", type: "shell")
        let one = TaskDefinition(
            invocation: invocation(step, parameters: ["run": .string("x"), "password": .string("hunter2")]),
            schema: schema, needs: [])
        let two = TaskDefinition(
            invocation: invocation(step, parameters: ["run": .string("x"), "password": .string("letmein")]),
            schema: schema, needs: [])
        #expect(one.parameters["password"] == .string(TaskDefinition.secretParameterPlaceholder))
        #expect(one.fingerprint(upstream: [:]) == two.fingerprint(upstream: [:]))
        // A secret input shows as its placeholder in display mode: the placeholder, not the value, is hashed.
        let placeholder = TaskDefinition(
            invocation: invocation(step, parameters: ["run": .string("login -p <secret:registry_password>")]), schema: schema,
            needs: [])
        #expect(placeholder.parameters["run"] == .string("login -p <secret:registry_password>"))
    }

    @Test func hostIdentityIsNameAddressPortAndConnectionOnly() {
        let step = Step(id: "s", type: "shell")
        var host = InventoryHost(name: "w1", address: "10.0.0.2", user: "ubuntu", identity: "/k1")
        let a = TaskDefinition(invocation: invocation(step, parameters: ["run": .string("x")], host: host), schema: schema, needs: [])
        host.user = "admin"
        host.identity = "/k2"
        host.labels = ["gpuWorker": "yes"]
        let b = TaskDefinition(invocation: invocation(step, parameters: ["run": .string("x")], host: host), schema: schema, needs: [])
        #expect(a.fingerprint(upstream: [:]) == b.fingerprint(upstream: [:]))
        host.port = 2222
        let c = TaskDefinition(invocation: invocation(step, parameters: ["run": .string("x")], host: host), schema: schema, needs: [])
        #expect(c.fingerprint(upstream: [:]).changedFields(since: a.fingerprint(upstream: [:])) == ["host"])
    }
}
