import OrderedCollections
import RigKit
import RigModel
import Testing

private let hosts = """
    hosts:
      - {name: master, address: 192.168.1.10, roles: [control], labels: {gpu: "no"}}
      - {name: w1, address: 192.168.1.11, roles: [worker], labels: {gpu: "yes"}, vars: {disk: /dev/sdb}}

    """

@Suite struct ValidatorFindsEveryProblem {
    @Test func aValidWorkflowHasNoProblems() throws {
        let problems = try validationProblems(
            hosts + """
                inputs: {domain: {type: hostname, default: tator.lan}}
                secrets: [pw]
                pools: {apt: 1}
                steps:
                  - id: a
                    type: shell
                    on: control
                    with: {run: "echo ${{ inputs.domain }} ${{ secrets.pw | shell }} ${{ hosts.w1.vars.disk }} ${{ roles.worker.addresses | join(',') }}"}
                    outputs: [token]
                    pool: apt
                  - id: b
                    type: shell
                    needs: [a]
                    on: [w1]
                    when: host.labels.gpu == "yes"
                    unless: test -e /done
                    with: {run: "join ${{ steps.a.outputs.token }} on ${{ host.address }}", env: {X: "${{ workflow.name }}"}}
                  - id: c
                    type: noop
                    needs: b
                    on: all
                """)
        #expect(problems == [])
    }

    @Test func duplicateAndInvalidStepIds() throws {
        let problems = try validationProblems(
            """
            steps:
              - {id: a, type: noop}
              - {id: a, type: noop}
              - {id: b.c, type: noop}
            """)
        #expect(problems.map(\.message) == ["step id 'a' is used twice", "'b.c' is not a valid step id"])
        #expect(problems.map(\.position) == ["3:10", "4:10"])
        #expect(problems[0].hint?.hasSuffix(":2:10") == true)
    }

    @Test func unknownNeedsWithSuggestion() throws {
        let problems = try validationProblems(
            """
            steps:
              - {id: install-docker, type: noop}
              - {id: b, type: noop, needs: [install-dokcer, zzz]}
            """)
        #expect(
            problems.map(\.message) == [
                "step 'b' needs 'install-dokcer', which is not a step", "step 'b' needs 'zzz', which is not a step",
            ])
        #expect(problems.map(\.position) == ["3:33", "3:49"])
        #expect(problems[0].hint == "did you mean 'install-docker'? Otherwise `needs:` lists ids of other steps in this workflow.")
    }

    @Test func cyclesShowTheirPath() throws {
        let problems = try validationProblems(
            """
            steps:
              - {id: a, type: noop, needs: c}
              - {id: b, type: noop, needs: a}
              - {id: c, type: noop, needs: [b]}
              - {id: d, type: noop, needs: d}
              - {id: e, type: noop, needs: a}
            """)
        #expect(problems.map(\.message) == ["steps form a cycle: a -> c -> b -> a", "steps form a cycle: d -> d"])
        #expect(problems.map(\.position) == ["2:32", "5:32"])
        #expect(problems[0].hint == "each arrow means 'needs'; a step cannot wait for itself, so remove one of these needs")
    }

    @Test func unknownStepTypes() throws {
        let problems = try validationProblems("steps: [{id: a, type: shel, with: {run: x}}]")
        #expect(problems.map(\.message) == ["step 'a' has the unknown type 'shel'"])
        #expect(problems[0].position == "1:23")
        #expect(problems[0].hint == "did you mean 'shell'? `rig steps` lists the step types")
    }

    @Test func targets() throws {
        let problems = try validationProblems(
            """
            hosts:
              - {name: master, address: 10.0.0.1, roles: [worker]}
              - {name: worker, address: 10.0.0.2}
            steps:
              - {id: a, type: noop, on: [mastr, worker, local, all]}
            """)
        #expect(
            problems.map(\.message) == [
                "step 'a' runs on 'mastr', which is neither a role nor a host", "step 'a': 'worker' is both a host and a role",
            ])
        #expect(problems.map(\.position) == ["5:30", "5:37"])
        #expect(problems[0].hint == "did you mean 'master'? targets are local, all, a role (worker) or a host name (master, worker)")
    }

    @Test func parametersAgainstTheSchema() throws {
        let problems = try validationProblems(
            """
            inputs: {n: {type: string, default: many}}
            steps:
              - id: a
                type: fake.kinds
                with:
                  count: ${{ inputs.n }}
                  port: 0
                  mode: fats
                  volume: {size: 2}
                  packages: [a, {b: 1}]
                  colour: red
              - {id: b, type: shell}
              - {id: c, type: shell, with: {rnu: ls}}
            """)
        #expect(
            problems.map(\.message) == [
                "step 'a': parameter 'count' must be an integer, got string \"many\"",
                "step 'a': parameter 'port' must be a port number (1-65535), got int 0",
                "step 'a': parameter 'mode' must be one of fast, safe, got string \"fats\"",
                "step 'a': parameter 'volume' needs the key 'path'",
                "step 'a': parameter 'packages.1' must be a string, got map",
                "step 'a': 'colour' is not a parameter of type 'fake.kinds'",
                "step 'b': type 'shell' needs the parameter 'run'",
                "step 'c': type 'shell' needs the parameter 'run'",
                "step 'c': 'rnu' is not a parameter of type 'shell'",
            ])
        #expect(problems.map(\.position) == ["6:14", "7:13", "8:13", "9:15", "10:21", "11:15", "12:5", "13:32", "13:38"])
        #expect(problems[2].hint == "did you mean 'fast'?")
        #expect(problems[8].hint == "did you mean 'run'? known parameters: run, env, cwd, shell")
    }

    @Test func suppliedInputsAreUsedForChecks() throws {
        let yaml = "inputs: {n: string}\nsteps: [{id: a, type: fake.kinds, with: {count: '${{ inputs.n }}'}}]"
        #expect(try validationProblems(yaml) == [], "unknown before the run")
        #expect(try validationProblems(yaml, inputs: ["n": .string("3")]) == [])
        #expect(
            try validationProblems(yaml, inputs: ["n": .string("x")]).map(\.message) == [
                "step 'a': parameter 'count' must be an integer, got string \"x\""
            ])
    }

    @Test func theStepTypeOwnValidation() throws {
        let problems = try validationProblems("steps: [{id: a, type: fake.kinds, with: {mode: fast, wait: 5s}}]")
        #expect(problems.map(\.message) == ["step 'a': 'wait' cannot be used with mode fast"])
    }

    @Test func unknownReferences() throws {
        let problems = try validationProblems(
            hosts + """
                inputs: {domain: string}
                secrets: [pw]
                steps:
                  - id: a
                    type: shell
                    outputs: [token]
                    with:
                      run: |
                        ${{ inputs.domian }} ${{ secrets.pww }}
                        ${{ hosts.mastr.address }} ${{ hosts.master.adress }}
                        ${{ roles.workr.address }} ${{ steps.b.outputs.x }}
                        ${{ hosts.master.labels.gpux }} ${{ stepz.a }}
                  - id: b
                    type: shell
                    on: all
                    outputs: [x]
                    with: {run: "${{ steps.a.outputs.tokn }} ${{ steps.zz.outputs.x }} ${{ host.vars.disk }} ${{ steps.b.outputs.x }}"}
                  - id: c
                    type: shell
                    needs: [b]
                    when: steps.a.outputs.token == 'x'
                    with: {run: "${{ inputs.domain.x }} ${{ run.name }}"}
                """)
        #expect(
            problems.map(\.message) == [
                "unknown input 'domian'", "unknown secret 'pww'",
                "unknown host 'mastr'", "'hosts.master.adress': hosts have no field 'adress'",
                "no host has the role 'workr'", "step 'a' uses an output of 'b' but does not need it",
                "'hosts.master.labels.gpux': host 'master' has no label 'gpux'", "unknown name 'stepz' in 'stepz.a'",
                "step 'b' uses an output of 'a' but does not need it", "unknown step 'zz' in steps.zz.outputs.x",
                "'host.vars.disk': host 'master' has no var 'disk'", "step 'b' uses its own output 'x'",
                "step 'c' uses an output of 'a' but does not need it",
                "'inputs.domain.x': input 'domain' is a string and has no part 'x'", "'run.name' is not a valid reference",
            ])
        #expect(
            problems.map(\.position) == [
                "12:13", "12:34", "13:13", "13:40", "14:13", "14:40", "15:13", "15:45", "20:22", "20:50", "20:76", "20:98", "24:11",
                "25:22", "25:45",
            ])
        #expect(problems[0].hint == "did you mean 'domain'? Otherwise declare it under the workflow's `inputs:`.")
        #expect(problems[5].hint == "add 'b' to the `needs:` of 'a' so it has run first")
    }

    @Test func outputsMustBeDeclaredAndComeFromAncestors() throws {
        let problems = try validationProblems(
            """
            steps:
              - {id: a, type: noop, outputs: [token]}
              - {id: b, type: noop, needs: a}
              - {id: c, type: shell, needs: b, with: {run: "${{ steps.a.outputs.token }} ${{ steps.a.outputs.tokn }}"}, when: "${{ steps.a.outputs.token }}"}
            """)
        #expect(problems.map(\.message) == ["step 'a' declares no output 'tokn'"])
        #expect(problems[0].hint == "did you mean 'token'? Otherwise list it in the `outputs:` of 'a'.")
    }

    @Test func poolsTimeoutsAndOutputs() throws {
        let problems = try validationProblems(
            """
            pools: {apt: 1}
            steps:
              - {id: a, type: noop, pool: atp, timeout: 0s, outputs: [x, x]}
            """)
        #expect(
            problems.map(\.message) == [
                "step 'a' uses the pool 'atp', which is not declared", "step 'a': timeout must be longer than zero",
                "step 'a' declares the output 'x' twice",
            ])
        #expect(problems[0].hint == "did you mean 'apt'? Otherwise declare it with its depth: `pools: {atp: 1}`.")
    }

    @Test func inventoryProblemsComeFromTheLoaderInOnePassAtTheirFields() throws {
        let problems = loadProblems(
            """
            secrets: [sudo]
            hosts:
              - {name: a, address: 10.0.0.1}
              - {name: a, address: 10.0.0.2}
              - {name: b, address: 10.0.0.1}
              - {name: c, address: 10.0.0.1, port: 2222}
              - {name: d, address: 300.1.1.1, port: 70000}
              - {name: e, address: "bad_host!", become: {password_secret: sudoo}}
              - {name: all, address: 10.0.0.9, roles: [local]}
              - {name: f, address: 127.0.0.1, connection: local}
              - {name: g, address: 127.0.0.1, connection: local}
            steps: [{id: s, type: noop}]
            """)
        #expect(
            problems.map(\.message) == [
                "host 'a' is defined twice",
                "hosts 'a' and 'b' have the same address 10.0.0.1 and port 22",
                "host 'd': '300.1.1.1' is neither an IP address nor a valid host name",
                "host 'd': port 70000 is out of range",
                "host 'e': 'bad_host!' is neither an IP address nor a valid host name",
                "'all' cannot be a host name",
                "host 'all' has the role 'local', which is reserved",
            ])
        #expect(problems.map(\.position) == ["4:12", "5:12", "7:24", "7:41", "8:24", "9:12", "9:12"])
    }

    @Test func inventoryProblemsOfAWorkflowBuiltInCode() {
        let workflow = Workflow(
            name: "w", secrets: [SecretDeclaration(name: "sudo")],
            inventory: Inventory(hosts: [
                InventoryHost(name: "a", address: "10.0.0.1"), InventoryHost(name: "a", address: "10.0.0.2"),
                InventoryHost(name: "d", address: "300.1.1.1", port: 70000, user: "-oProxyCommand=x"),
                InventoryHost(name: "e", address: "10.0.0.5", become: Become(passwordSecret: "sudoo")),
            ]), steps: [Step(id: "s", type: "noop")])
        let problems = Validator(registry: fakeRegistry()).validate(workflow, inputs: nil)
        #expect(
            Set(problems.map(\.message)) == [
                "host 'a' is defined twice",
                "host 'd': '300.1.1.1' is neither an IP address nor a valid host name",
                "host 'd': port 70000 is out of range",
                "host 'd': user '-oProxyCommand=x' is not a valid login name",
                "host 'e': become.password_secret names 'sudoo', which is not a declared secret",
            ])
        #expect(problems.first { $0.message.contains("sudoo") }?.hint == "did you mean 'sudo'? declare it under the workflow's `secrets:`")
    }

    @Test func problemsAreSortedByFileAndLine() throws {
        let problems = try validationProblems(
            """
            steps:
              - {id: z, type: nope}
              - {id: y, type: noop, needs: q}
              - {id: z, type: noop}
            """)
        #expect(problems.map(\.position) == ["2:19", "3:32", "4:10"])
    }
}

@Suite struct ValidatorTargetResolution {
    let inventory = Inventory(hosts: [
        InventoryHost(name: "m", address: "10.0.0.1", roles: ["control", "nfs"]),
        InventoryHost(name: "w1", address: "10.0.0.2", roles: ["worker"]),
        InventoryHost(name: "w2", address: "10.0.0.3", roles: ["worker", "nfs"]),
    ])

    private func names(_ on: [String]) -> [String] {
        TargetResolver.hosts(for: Step(id: "s", type: "noop", on: on), in: inventory).map(\.name)
    }

    @Test func targetsSelectHostsInInventoryOrder() {
        #expect(names([]) == ["local"])
        #expect(names(["local"]) == ["local"])
        #expect(names(["all"]) == ["m", "w1", "w2"])
        #expect(names(["worker"]) == ["w1", "w2"])
        #expect(names(["w2", "m"]) == ["m", "w2"])
        #expect(names(["nfs", "worker", "w1"]) == ["m", "w1", "w2"])
        #expect(names(["local", "control"]) == ["local", "m"])
        #expect(names(["nobody"]) == [])
        #expect(TargetResolver.hosts(for: Step(id: "s", type: "noop"), in: inventory) == [.local])
    }
}
