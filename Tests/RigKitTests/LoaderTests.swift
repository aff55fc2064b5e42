import Foundation
import RigKit
import RigModel
import Testing

@Suite struct LoaderReadsEveryKey {
    static let full = """
        name: demo
        description: Every key once.
        inputs:
          domain: {type: hostname, required: true, description: The site name}
          replicas: {type: int, default: 2}
          mode: {type: string, default: safe, enum: [safe, fast]}
          tag: {type: string, pattern: "[a-z]+", default: abc}
          nodes: {type: "list<ip>", default: [10.0.0.1, 10.0.0.2]}
          wait: {type: duration, default: 90s}
          shorthand: port
        secrets:
          registry_password: {description: the registry's password}
          duckdns_token: {optional: true}
        pools:
          apt: 1
        hosts:
          defaults: {user: ubuntu, port: 2222, labels: {zone: a}}
          hosts:
            - name: master
              address: 192.168.1.10
              roles: [control, nfs]
              labels: {webServer: "yes", zone: b}
              vars: {disk: /dev/sdb, size: 20}
              become: {user: root, password_secret: registry_password}
              identity: ~/.ssh/id_ed25519
              max_tasks: 2
            - name: worker1
              address: fd00::11
              port: 22
              roles: worker
              become: true
              connection: ssh
        steps:
          - id: prepare
            type: shell
            description: First step.
            with:
              run: echo ${{ inputs.domain | shell }}
              env: {A: "1"}
            outputs: [token]
          - id: install
            type: shell
            needs: prepare
            on: [control, worker1]
            with: {run: "apt-get install -y nfs-common"}
            when: inputs.mode == "safe"
            unless: dpkg -s nfs-common
            retries: {count: 3, backoff: 2s, max_delay: 1m, jitter: false}
            timeout: 1h30m
            outputs:
              join: {secret: true, description: the join command}
              plain:
            pool: apt
            serial: "50%"
            host_concurrency: 2
            any_errors_fatal: true
          - id: done
            type: noop
            needs: [prepare, install]
            on: all
            retries: 2
            timeout: 45
            serial: 1
            when: false
        """

    @Test func workflowFields() throws {
        let w = try loadWorkflow(Self.full)
        #expect(w.name == "demo")
        #expect(w.description == "Every key once.")
        #expect(w.pools == ["apt": 1])
        #expect(w.steps.map(\.id) == ["prepare", "install", "done"])
        #expect(w.sourceFiles.count == 1 && w.sourceFiles[0].hasSuffix("/w.yaml"))
    }

    @Test func inputsAreTypedWithDefaultsEnumsAndPatterns() throws {
        let w = try loadWorkflow(Self.full)
        #expect(w.inputs.map(\.name) == ["domain", "replicas", "mode", "tag", "nodes", "wait", "shorthand"])
        let domain = try #require(w.input("domain"))
        #expect(domain.type == .hostname && domain.required && domain.description == "The site name")
        #expect(domain.location?.line == 4 && domain.location?.column == 3)
        #expect(w.input("replicas")?.defaultValue == .int(2))
        #expect(w.input("mode")?.allowedValues == [.string("safe"), .string("fast")])
        #expect(w.input("tag")?.pattern == "[a-z]+")
        #expect(w.input("nodes")?.type == .list(of: .ip))
        #expect(w.input("nodes")?.defaultValue == .list([.string("10.0.0.1"), .string("10.0.0.2")]))
        #expect(w.input("wait")?.defaultValue == .string("90s"))
        #expect(w.input("shorthand")?.type == .port)
    }

    @Test func secretsAsMapOrList() throws {
        let w = try loadWorkflow(Self.full)
        #expect(w.secrets.map(\.name) == ["registry_password", "duckdns_token"])
        #expect(w.secrets[0].description == "the registry's password" && !w.secrets[0].optional)
        #expect(w.secrets[1].optional)
        let listed = try loadWorkflow("secrets: [a, b_2]\nsteps: [{id: s, type: noop}]")
        #expect(listed.secrets.map(\.name) == ["a", "b_2"])
        #expect(listed.secrets[1].environmentVariable == "RIG_SECRET_b_2")
    }

    @Test func inlineInventoryWithDefaults() throws {
        let w = try loadWorkflow(Self.full)
        let master = try #require(w.inventory.host(named: "master"))
        #expect(master.address == "192.168.1.10")
        #expect(master.user == "ubuntu" && master.port == 2222)
        #expect(master.roles == ["control", "nfs"])
        #expect(master.labels == ["zone": "b", "webServer": "yes"])
        #expect(master.vars == ["disk": .string("/dev/sdb"), "size": .int(20)])
        #expect(master.become == Become(user: "root", passwordSecret: "registry_password"))
        #expect(master.identity == "~/.ssh/id_ed25519")
        #expect(master.maxConcurrentTasks == 2)
        #expect(master.connection == .ssh)
        let worker = try #require(w.inventory.host(named: "worker1"))
        #expect(worker.port == 22 && worker.roles == ["worker"] && worker.become == Become())
        #expect(worker.labels == ["zone": "a"])
        #expect(w.inventory.file == nil)
    }

    @Test func stepFields() throws {
        let w = try loadWorkflow(Self.full)
        let prepare = w.steps[0]
        #expect(prepare.description == "First step.")
        #expect(prepare.on == [] && prepare.needs == [])
        #expect(prepare.outputs.map(\.name) == ["token"])
        #expect(prepare["run"]?.expressionSources == ["${{ inputs.domain | shell }}"])
        #expect(
            prepare.with["env"]
                == .map(
                    ["A": .template(Template(literal: "1", location: prepare.with["env"]?["A"]?.location))], prepare.with["env"]?.location))

        let install = w.steps[1]
        #expect(install.needs == ["prepare"])
        #expect(install.on == ["control", "worker1"])
        #expect(
            install.when?.singleExpression
                == .binary(
                    .equal, .reference(["inputs", "mode"], SourceLocation(file: install.when!.location!.file, line: 46, column: 11)),
                    .literal(.string("safe"))))
        #expect(install.unless?.source == "dpkg -s nfs-common")
        #expect(install.retries == RetryPolicy(count: 3, backoff: .seconds(2), maxDelay: .seconds(60), jitter: false))
        #expect(install.timeout == .seconds(5400))
        #expect(install.outputs.map(\.name) == ["join", "plain"])
        #expect(install.outputs[0].secret && install.outputs[0].description == "the join command" && !install.outputs[1].secret)
        #expect(install.pool == "apt")
        #expect(install.serial == .percent(50))
        #expect(install.hostConcurrency == 2)
        #expect(install.anyErrorsFatal)
        #expect(install.fieldLocations["needs[0]"]?.line == 43 && install.fieldLocations["needs[0]"]?.column == 12)
        #expect(install.fieldLocations["on[1]"]?.line == 44 && install.fieldLocations["on[1]"]?.column == 19)

        let done = w.steps[2]
        #expect(done.needs == ["prepare", "install"] && done.on == ["all"])
        #expect(done.retries.count == 2 && done.timeout == .seconds(45) && done.serial == .count(1))
        #expect(done.when?.singleExpression == .literal(.bool(false)))
        #expect(done.location?.line == 57 && done.location?.column == 5)
    }

    @Test func scalarsKeepVersionsAndModesAsWritten() throws {
        let w = try loadWorkflow(
            """
            steps:
              - id: s
                type: fake.kinds
                with: {a: 1.10, b: 0755, c: yes, d: 7, e: true, f: ~, g: "8"}
            """)
        let with = w.steps[0].with
        #expect(with["a"]?.literalOrText == .string("1.10"))
        #expect(with["b"]?.literalOrText == .string("0755"))
        #expect(with["c"]?.literalOrText == .string("yes"))
        #expect(with["d"]?.literalOrText == .int(7))
        #expect(with["e"]?.literalOrText == .bool(true))
        #expect(with["f"]?.literalOrText == .null)
        #expect(with["g"]?.literalOrText == .string("8"))
    }

    @Test func nameDefaultsToTheFileName() throws {
        #expect(try loadWorkflow("steps: [{id: a, type: noop}]").name == "w")
    }

    @Test func inventoryFileNamedByTheWorkflowIsReadRelativeToIt() throws {
        let folder = TemporaryFolder()
        folder.write("sub/hosts.yaml", "- {name: a, address: 10.0.0.1, roles: [web]}\n- {name: b, address: 10.0.0.2}\n")
        let path = folder.write("sub/w.yaml", "hosts: hosts.yaml\nsteps: [{id: s, type: noop, on: web}]\n")
        let w = try WorkflowLoader(registry: fakeRegistry()).load(workflowAt: path)
        #expect(w.inventory.hosts.map(\.name) == ["a", "b"])
        #expect(w.inventory.file == folder.path + "/sub/hosts.yaml")
        #expect(w.sourceFiles == [path, folder.path + "/sub/hosts.yaml"])
    }

    @Test func inventoryOptionReplacesTheWorkflowHosts() throws {
        let w = try loadWorkflow(
            "hosts: missing.yaml\nsteps: [{id: s, type: noop}]\n",
            inventory: "defaults: {user: admin}\nhosts:\n  - {name: x, address: 10.1.1.1}\n")
        #expect(w.inventory.hosts.map(\.name) == ["x"])
        #expect(w.inventory.hosts[0].user == "admin")
        #expect(w.inventory.file?.hasSuffix("/inv.yaml") == true)
        #expect(w.sourceFiles.count == 2 && w.sourceFiles[1].hasSuffix("/inv.yaml"))
    }

    @Test func hostWithoutAddressUsesItsName() throws {
        let w = try loadWorkflow("hosts: [{name: nas.lan}]\nsteps: [{id: s, type: noop}]")
        #expect(w.inventory.hosts[0].address == "nas.lan")
    }
}

@Suite struct LoaderReportsStructuralProblems {
    @Test func unknownKeysWithSuggestions() {
        let problems = loadProblems(
            """
            name: x
            stpes: []
            steps:
              - id: a
                type: shell
                need: b
                with: {run: "true"}
            """)
        #expect(problems.map(\.position) == ["2:1", "6:5"])
        #expect(problems[0].message == "unknown key 'stpes' in a workflow")
        #expect(problems[0].hint?.hasPrefix("did you mean 'steps'?") == true)
        #expect(problems[1].message == "unknown key 'need' in a step")
        #expect(problems[1].hint?.hasPrefix("did you mean 'needs'?") == true)
        #expect(problems[1].location?.file.hasSuffix("/w.yaml") == true)
    }

    @Test func missingIdAndType() {
        let problems = loadProblems("steps:\n  - type: shell\n  - id: b\n")
        #expect(problems.map(\.message) == ["this step has no 'id'", "step 'b' has no 'type'"])
        #expect(problems.map(\.position) == ["2:5", "3:5"])
        #expect(problems[1].hint == "give the step type, e.g. `type: shell`; `rig steps` lists them")
    }

    @Test func wrongFieldTypesAreAllReported() {
        let problems = loadProblems(
            """
            inputs:
              n: {type: integer, required: maybe}
            pools: {apt: 0}
            steps:
              - id: a
                type: shell
                with: [1]
                retries: {count: -1, backof: 2s}
                timeout: soon
                serial: "150%"
                needs: {x: 1}
                host_concurrency: 0
                outputs: 3
            """)
        #expect(problems.map(\.position) == ["2:13", "2:32", "3:14", "7:11", "8:22", "8:26", "9:14", "10:13", "11:12", "12:23", "13:14"])
        #expect(problems[0].message == "unknown input type 'integer'")
        #expect(problems[1].message == "'required' must be true or false, not the text \"maybe\"")
        #expect(problems[2].message == "'pool 'apt'' must be at least 1, not 0")
        #expect(problems[3].message == "'with' must be a map of parameters, not a list")
        #expect(problems[4].message == "'count' must be at least 0, not -1")
        #expect(problems[5].message == "unknown key 'backof' in 'retries'")
        #expect(problems[6].message == "'timeout' must be a duration, not the text \"soon\"")
        #expect(problems[6].hint == "write durations like 30s, 5m, 1h30m or 500ms")
    }

    @Test func badYAMLIsLocated() {
        let problems = loadProblems("name: x\nsteps:\n  - id: a\n   type: shell\n")
        #expect(problems.count == 1)
        #expect(problems[0].message.hasPrefix("invalid YAML: "))
        #expect(problems[0].position == "4:4")
        #expect(problems[0].hint != nil)
    }

    @Test func tabsGetAHint() {
        let problems = loadProblems("steps:\n\t- id: a\n")
        #expect(problems.count == 1 && problems[0].position == "2:1")
        #expect(problems[0].hint == "YAML indents with spaces; replace the tab characters on this line with spaces")
    }

    @Test func everyDuplicateKeyIsReportedAndTheRestStillChecked() {
        let problems = loadProblems(
            """
            name: a
            steps:
              - id: s
                type: shell
                id: t
                with: {run: x}
                bogus: 1
            name: b
            """)
        #expect(problems.map(\.message) == ["duplicate key 'id'", "unknown key 'bogus' in a step", "duplicate key 'name'"])
        #expect(problems.map(\.position) == ["5:5", "7:5", "8:1"])
        #expect(problems[0].hint?.contains("already set at line 3") == true)
    }

    @Test func mergeConflictMarkers() {
        let problems = loadProblems(
            """
            name: x
            <<<<<<< HEAD
            steps: [{id: a, type: noop}]
            =======
            steps: [{id: b, type: noop}]
            >>>>>>> feature
            """)
        #expect(problems.map(\.message) == Array(repeating: "unresolved merge conflict marker", count: 3))
        #expect(problems.map(\.position) == ["2:1", "4:1", "6:1"])
        #expect(problems[0].hint?.contains("<<<<<<<") == true)
    }

    @Test func emptyAndNonMapFiles() {
        #expect(loadProblems("").map(\.message).first?.hasSuffix("is empty") == true)
        #expect(loadProblems("- a\n- b\n").map(\.message) == ["a workflow file must be a map, not a list"])
        #expect(loadProblems("name: x\n").map(\.message) == ["the workflow has no 'steps'"])
    }

    @Test func missingFiles() {
        do {
            _ = try WorkflowLoader(registry: fakeRegistry()).load(workflowAt: "/nonexistent/w.yaml")
            Issue.record("loaded a missing file")
        } catch {
            #expect(error.diagnostics.map(\.message) == ["workflow file '/nonexistent/w.yaml' does not exist"])
        }
        let problems = loadProblems("hosts: nowhere.yaml\nsteps: [{id: a, type: noop}]\n")
        #expect(problems.count == 1 && problems[0].position == "1:8")
        #expect(problems[0].message.hasPrefix("inventory file '") && problems[0].message.hasSuffix("/nowhere.yaml' does not exist"))
    }

    @Test func problemsInTheInventoryFileNameThatFile() {
        let problems = loadProblems(
            "hosts: inv.yaml\nsteps: [{id: a, type: noop}]\n",
            files: ["inv.yaml": "- name: a\n  adress: 10.0.0.1\n  roles: {x: 1}\n"])
        #expect(problems.map(\.message) == ["unknown key 'adress' in a host", "'roles' must be a name or a list of names, not a map"])
        #expect(problems.allSatisfy { $0.location?.file.hasSuffix("/inv.yaml") == true })
        #expect(problems[0].hint?.hasPrefix("did you mean 'address'?") == true)
    }

    @Test func inventoryProblems() {
        let problems = loadProblems(
            """
            hosts:
              defaults: {name: x, connection: telnet}
              hosts:
                - address: 10.0.0.1
                - {name: b, become: {usr: root}, labels: {a: [1]}}
            steps: [{id: a, type: noop}]
            """)
        #expect(
            problems.map(\.message) == [
                "unknown key 'name' in 'defaults'", "unknown connection 'telnet'", "this host has no 'name'",
                "unknown key 'usr' in 'become'", "label 'a' must be a text value, not a list",
            ])
    }

    @Test func inputDefaultsAreTypeChecked() {
        let problems = loadProblems(
            """
            inputs:
              ip: {type: ip, default: 300.1.1.1}
              mode: {type: string, enum: [a, b], default: c}
              p: {type: string, pattern: "(", default: x}
              bad name: string
            steps: [{id: a, type: noop}]
            """)
        #expect(problems.map(\.position) == ["2:27", "3:47", "4:30", "5:3"])
        #expect(problems[0].message == "default of input 'ip': \"300.1.1.1\" is not an IP address")
        #expect(problems[1].message == "default of input 'mode': \"c\" is not one of the allowed values: a, b")
        #expect(problems[2].message == "'pattern' of input 'p' is not a valid regular expression")
        #expect(problems[3].message == "'bad name' is not a valid input name")
    }

    @Test func expressionSyntaxErrorsPointAtTheColumn() {
        let problems = loadProblems(
            """
            steps:
              - id: a
                type: shell
                with:
                  run: echo ${{ inputs.x | shel }}
                  env:
                    B: "quoted ${{ inputs.y == }}"
                  cwd: |
                    first line
                    ${{ (inputs.z }}
                when: inputs.a = 1
                unless: ${{ inputs.u | upper(1) }}
            """)
        #expect(problems.map(\.position) == ["5:32", "7:36", "10:23", "11:20", "12:28"])
        #expect(problems[0].message == "unknown filter 'shel'")
        #expect(problems[0].hint?.hasPrefix("did you mean 'shell'?") == true)
        #expect(problems[1].message == "expected a reference, a literal, '!' or '(' but found the end of the expression")
        #expect(problems[2].message == "expected ')' but found the end of the expression")
        #expect(problems[3].message == "expected '==' to compare but found '='")
        #expect(problems[4].message == "filter 'upper' takes no arguments, but 1 was given")
    }

    @Test func unterminatedExpression() {
        let problems = loadProblems("steps: [{id: a, type: shell, with: {run: \"echo ${{ inputs.x\"}}]\n")
        #expect(problems.map(\.message) == ["'${{' is not closed by '}}'"])
        #expect(problems[0].position == "1:48")
    }
}

extension ParameterNode {
    /// The sources of the expressions of a template node.
    var expressionSources: [String] {
        guard case .template(let t) = self else { return [] }
        return t.parts.compactMap { if case .expression(_, let source) = $0 { return source } else { return nil } }
    }

    /// A literal's value or a template's text.
    var literalOrText: Value? {
        switch self {
        case .literal(let v, _): return v
        case .template(let t): return .string(t.source)
        default: return nil
        }
    }
}

extension Step {
    subscript(parameter: String) -> ParameterNode? { with[parameter] }
}

@Suite struct LoaderYAMLFeatures {
    @Test func mergeKeysShareFields() throws {
        let w = try loadWorkflow(
            """
            steps:
              - &common {id: base, type: shell, retries: 2, timeout: 5m, with: {run: echo base}}
              - <<: *common
                id: a
                with: {run: echo a}
              - <<: [*common]
                id: b
                timeout: 1m
                with: {run: echo b}
            """)
        #expect(w.steps.map(\.id) == ["base", "a", "b"])
        #expect(w.steps[1].type == "shell" && w.steps[1].retries.count == 2 && w.steps[1].timeout == .seconds(300))
        #expect(w.steps[2].timeout == .seconds(60), "keys written in the map win over merged ones")
    }

    @Test func aDuplicateKeyInAFlowMappingIsStillReported() {
        let problems = loadProblems("steps: [{id: a, type: noop, id: b}]\n")
        #expect(problems.map(\.message) == ["a key appears twice in one mapping: 'id'"])
        #expect(problems[0].position == "1:10")
    }
}
