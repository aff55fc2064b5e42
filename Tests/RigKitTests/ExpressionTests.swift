import Foundation
import OrderedCollections
import RigKit
import RigModel
import Testing

private let here = SourceLocation(file: "w.yaml", line: 3, column: 10)

private func parse(_ text: String) throws -> Template {
    try TemplateParser.parse(text, location: here)
}

private func syntaxError(_ text: String) -> TemplateSyntaxError? {
    do {
        _ = try TemplateParser.parse(text, location: here)
        return nil
    } catch {
        return error
    }
}

private let inventory = Inventory(hosts: [
    InventoryHost(
        name: "master", address: "192.168.1.10", user: "ubuntu", roles: ["control", "nfs"],
        labels: ["webServer": "yes"], vars: ["disk": .string("/dev/sdb"), "sizes": .list([.int(1), .int(2)])]),
    InventoryHost(name: "w1", address: "192.168.1.11", port: 2222, roles: ["worker"]),
    InventoryHost(name: "w2", address: "192.168.1.12", roles: ["worker"]),
])

private func context(
    mode: StepInvocation.Mode = .execute, host: String? = "w1", outputs: StepOutputs = StepOutputs(),
    secrets: SecretValues? = SecretValues(["token": "s3cr3t"])
) -> RenderContext {
    RenderContext(
        inputs: [
            "domain": .string("tator.lan"), "replicas": .int(3), "gpu": .bool(false),
            "nodes": .list([.string("a"), .string("b c")]), "empty": .null, "msg": .string("it's"),
        ],
        secrets: secrets, inventory: inventory, host: host.flatMap(inventory.host(named:)), outputs: outputs,
        mode: mode, workflowName: "deploy", runID: mode == .execute ? "run-1" : nil)
}

private func render(_ text: String, _ ctx: RenderContext = context()) throws -> Value {
    try Renderer.render(parse(text), in: ctx)
}

@Suite struct ExpressionParsing {
    @Test func textAndExpressionsAlternate() throws {
        let t = try parse("a ${{ inputs.x }} b${{inputs.y}}")
        #expect(t.parts.count == 4)
        #expect(t.parts[0] == .text("a "))
        #expect(
            t.parts[1]
                == .expression(.reference(["inputs", "x"], SourceLocation(file: "w.yaml", line: 3, column: 16)), source: "${{ inputs.x }}"))
        #expect(t.parts[2] == .text(" b"))
        #expect(t.singleExpression == nil)
        #expect(try parse("${{ inputs.x }}").singleExpression != nil)
        #expect(try parse("no expressions").parts == [.text("no expressions")])
    }

    @Test func precedenceAndLiterals() throws {
        let e = try #require(parse("${{ !inputs.a || inputs.b == 'x' && inputs.c != -3 }}").singleExpression)
        guard
            case .binary(
                .or, .not(.reference(["inputs", "a"], _)),
                .binary(
                    .and, .binary(.equal, .reference(["inputs", "b"], _), .literal(.string("x"))),
                    .binary(.notEqual, .reference(["inputs", "c"], _), .literal(.int(-3))))) = e
        else {
            Issue.record("parsed as \(e)")
            return
        }
        #expect(try parse("${{ null }}").singleExpression == .literal(.null))
        #expect(try parse("${{ true }}").singleExpression == .literal(.bool(true)))
        #expect(try parse(#"${{ "a\"}}b" }}"#).singleExpression == .literal(.string("a\"}}b")))
    }

    @Test func filtersBindTighterThanComparison() throws {
        let e = try #require(parse("${{ inputs.x | default('a') | upper == 'A' }}").singleExpression)
        guard case .binary(.equal, .filter(.filter(.reference, "default", [.literal(.string("a"))], _), "upper", [], _), .literal) = e
        else {
            Issue.record("parsed as \(e)")
            return
        }
    }

    @Test func bracketsAndIndices() throws {
        let e = try parse(#"${{ hosts["nas.lan"].vars.sizes[1] }}"#).singleExpression
        guard case .reference(let path, _) = e else {
            Issue.record("not a reference")
            return
        }
        #expect(path == ["hosts", "nas.lan", "vars", "sizes", "1"])
        guard case .reference(let p2, _) = try parse("${{ steps.nfs-server.outputs.x }}").singleExpression else { return }
        #expect(p2 == ["steps", "nfs-server", "outputs", "x"])
    }

    @Test func errorsAreLocatedAtTheOffendingColumn() {
        // The template starts at column 10, so offset n is column 10 + n.
        let cases: [(String, String, Int)] = [
            ("${{ inputs.x | nope }}", "unknown filter 'nope'", 15),
            ("ab ${{ inputs.x ", "'${{' is not closed by '}}'", 3),
            ("${{ }}", "empty expression '${{ }}'", 4),
            ("${{ inputs. }}", "expected a name after '.' but found the end of the expression", 12),
            ("${{ inputs.x & 1 }}", "expected '&&' but found '&'", 13),
            ("${{ inputs.x inputs.y }}", "expected an operator (==, !=, &&, ||), a filter ('|') or the end but found 'inputs'", 13),
            ("${{ 'abc }}", "string literal is not closed", 4),
            ("${{ inputs.x | default }}", "filter 'default' takes exactly one argument, but 0 were given", 15),
            ("${{ inputs.x | join(',', 'x') }}", "filter 'join' takes at most one argument, but 2 were given", 15),
            ("${{ 1x }}", "expected a number, a string, true, false, null or a reference but found '1x'", 4),
            ("${{ inputs.x; }}", "expected a reference, a literal, an operator or a filter but found ';'", 12),
        ]
        for (text, message, offset) in cases {
            let error = syntaxError(text)
            #expect(error?.message == message, "\(text)")
            #expect(error?.location == SourceLocation(file: "w.yaml", line: 3, column: 10 + offset), "\(text)")
            #expect(error?.hint != nil, "\(text)")
        }
    }

    @Test func deepNestingIsRefusedNotACrash() {
        let parens = "${{ " + String(repeating: "(", count: 1_000) + "true" + String(repeating: ")", count: 1_000) + " }}"
        #expect(syntaxError(parens)?.message == "the expression nests more than 64 levels deep")
        #expect(
            syntaxError("${{ " + String(repeating: "!", count: 1_000) + "true }}")?.message
                == "the expression nests more than 64 levels deep")
        #expect(syntaxError("${{ " + String(repeating: "(", count: 30) + "true" + String(repeating: ")", count: 30) + " }}") == nil)
    }

    @Test func multiLineTemplatesCountLines() {
        let error = syntaxError("line one\n  ${{ inputs.x ==  }}")
        #expect(error?.location == SourceLocation(file: "w.yaml", line: 4, column: 20))
    }

    @Test func bareConditions() throws {
        let e = try TemplateParser.parseExpression("inputs.gpu && hosts.master.address", location: here)
        guard case .binary(.and, _, _) = e else {
            Issue.record("parsed as \(e)")
            return
        }
    }
}

@Suite struct ExpressionRendering {
    @Test func singleExpressionsKeepTheirType() throws {
        #expect(try render("${{ inputs.replicas }}") == .int(3))
        #expect(try render("${{ inputs.nodes }}") == .list([.string("a"), .string("b c")]))
        #expect(try render("n=${{ inputs.replicas }}") == .string("n=3"))
        #expect(try render("${{ inputs.gpu }}") == .bool(false))
    }

    @Test func hostsRolesAndTheTaskHost() throws {
        #expect(try render("${{ hosts.master.address }}") == .string("192.168.1.10"))
        #expect(try render("${{ hosts.master.user }}:${{ hosts.w1.port }}:${{ hosts.w2.port }}") == .string("ubuntu:2222:22"))
        #expect(try render("${{ hosts.master.labels.webServer }}") == .string("yes"))
        #expect(try render("${{ hosts.master.vars.sizes[1] }}") == .int(2))
        #expect(try render("${{ hosts.master.roles | join(',') }}") == .string("control,nfs"))
        #expect(try render("${{ host.name }}@${{ host.address }}") == .string("w1@192.168.1.11"))
        #expect(try render("${{ roles.worker.address }}") == .string("192.168.1.11"))
        #expect(try render("${{ roles.worker.hosts }}") == .list([.string("w1"), .string("w2")]))
        #expect(try render("${{ roles.worker.addresses | join(' ') }}") == .string("192.168.1.11 192.168.1.12"))
        #expect(try render("${{ workflow.name }}/${{ run.id }}") == .string("deploy/run-1"))
        #expect(try render("${{ hosts.local.address }}") == .string("127.0.0.1"))
    }

    @Test func operators() throws {
        #expect(try render("${{ inputs.replicas == 3 }}") == .bool(true))
        #expect(try render("${{ inputs.replicas == '3' }}") == .bool(true))
        #expect(try render("${{ inputs.domain != 'tator.lan' }}") == .bool(false))
        #expect(try render("${{ !inputs.gpu }}") == .bool(true))
        #expect(try render("${{ inputs.empty || 'fallback' }}") == .string("fallback"))
        #expect(try render("${{ inputs.gpu && inputs.nope }}") == .bool(false))
        #expect(try render("${{ (inputs.gpu || inputs.replicas == 3) && 'yes' }}") == .string("yes"))
    }

    @Test func filters() throws {
        #expect(try render("${{ inputs.empty | default('x') }}") == .string("x"))
        #expect(try render("${{ inputs.domain | default('x') }}") == .string("tator.lan"))
        #expect(try render("${{ inputs.nodes | json }}") == .string(#"["a","b c"]"#))
        #expect(try render("${{ hosts.master.vars | json }}") == .string(#"{"disk":"/dev/sdb","sizes":[1,2]}"#))
        #expect(try render("${{ 'a\"\n' | json }}") == .string(#""a\"\n""#))
        #expect(try render("${{ inputs.nodes | join }}") == .string("a,b c"))
        #expect(try render("${{ inputs.domain | upper }}") == .string("TATOR.LAN"))
        #expect(try render("${{ 'MiXed' | lower }}") == .string("mixed"))
        #expect(try render("${{ inputs.msg | shell }}") == .string("'it'\\''s'"))
        #expect(try render("${{ inputs.msg | quote }}") == .string("'it'\\''s'"))
        #expect(try render("${{ inputs.nodes | shell }}") == .string("a 'b c'"))
        #expect(try render("${{ inputs.domain | shell }}") == .string("tator.lan"))
        #expect(try render("${{ inputs.empty | shell }}") == .string("''"))
    }

    @Test func secretsAndOutputsInExecuteMode() throws {
        var outputs = StepOutputs()
        outputs.record(TaskID(step: "init", host: "master"), ["join": "kubeadm join x"])
        outputs.record(TaskID(step: "each", host: "w1"), ["id": "one"])
        outputs.record(TaskID(step: "each", host: "w2"), ["id": "two"])
        let ctx = context(outputs: outputs)
        #expect(try render("${{ secrets.token }}", ctx) == .string("s3cr3t"))
        #expect(try render("${{ secrets.absent | default('none') }}", ctx) == .string("none"))
        #expect(try render("${{ steps.init.outputs.join }}", ctx) == .string("kubeadm join x"))
        #expect(try render("${{ steps.each.outputs.id }}", ctx) == .string("one"), "the task's own host first")
        #expect(throws: RenderError.self) { try render("${{ steps.init.outputs.other }}", ctx) }
        #expect(throws: RenderError.self) { try render("${{ secrets.token }}", context(secrets: nil)) }
    }

    @Test func displayModeUsesPlaceholders() throws {
        let ctx = context(mode: .display, host: nil, secrets: nil)
        #expect(try render("--password=${{ secrets.token }}", ctx) == .string("--password=<secret:token>"))
        #expect(try render("${{ steps.init.outputs.join }}", ctx) == .string("<steps.init.outputs.join>"))
        #expect(try render("${{ secrets.token | shell }}", ctx) == .string("'<secret:token>'"))
        #expect(try render("${{ run.id }}", ctx) == .string("<run.id>"))
        #expect(try render("${{ host.address }}", ctx) == .string("<host.address>"))
        // A known secret is still hidden when displaying.
        #expect(try render("${{ secrets.token }}", context(mode: .display)) == .string("<secret:token>"))
    }

    @Test func unknownReferencesAtRenderTime() {
        func message(_ text: String) -> String? {
            do {
                _ = try render(text)
                return nil
            } catch { return (error as? RenderError)?.message }
        }
        #expect(message("${{ inputs.nope }}") == "no input named 'nope'")
        #expect(message("${{ hosts.ghost.address }}") == "no host named 'ghost' in the inventory")
        #expect(message("${{ hosts.master.adress }}") == "hosts have no field 'adress' (in 'hosts.master.adress')")
        #expect(message("${{ roles.db.address }}") == "no host has the role 'db'")
        #expect(message("${{ imputs.x }}") == "unknown name 'imputs' in 'imputs.x'")
        #expect(message("${{ steps.a.x }}") == "'steps.a.x' is not a valid reference")
    }

    @Test func conditionsAndText() throws {
        #expect(try Renderer.evaluateCondition(parse("${{ inputs.replicas == 3 }}"), in: context()))
        #expect(try !Renderer.evaluateCondition(parse("${{ inputs.gpu }}"), in: context()))
        #expect(try !Renderer.evaluateCondition(parse("false"), in: context()))
        #expect(try Renderer.renderText(parse("${{ inputs.nodes }}"), in: context()) == "a b c")
    }

    @Test func renderIfKnownIsNilForRunTimeValues() throws {
        let ctx = context(mode: .display, host: nil, secrets: nil)
        #expect(Renderer.renderIfKnown(try parse("${{ inputs.domain }}"), in: ctx) == .string("tator.lan"))
        #expect(Renderer.renderIfKnown(try parse("${{ secrets.token }}"), in: ctx) == nil)
        #expect(Renderer.renderIfKnown(try parse("${{ steps.a.outputs.b }}"), in: ctx) == nil)
        #expect(Renderer.renderIfKnown(try parse("${{ host.name }}"), in: ctx) == nil)
        #expect(Renderer.renderIfKnown(try parse("${{ inputs.nope }}"), in: ctx) == nil)
    }
}

@Suite struct ExpressionShellQuoting {
    static let nasty = "it's \"x\" $(rm -rf /) `id` $HOME \\ *\nsecond line\t; | & > <"

    @Test func quotedTextReachesBashLiterally() throws {
        let template = try parse("printf %s ${{ inputs.msg | shell }}")
        let ctx = RenderContext(inputs: ["msg": .string(Self.nasty)], mode: .execute)
        let command = try Renderer.renderText(template, in: ctx)
        #expect(try runBash(command) == Array(Self.nasty.utf8))
    }

    @Test func emptyAndPlainWords() throws {
        #expect(shellQuote("") == "''")
        #expect(shellQuote("plain-word_1.2/x:y@z%+,") == "plain-word_1.2/x:y@z%+,")
        #expect(shellQuote("~root") == "'~root'")
        #expect(shellQuote("a=b") == "'a=b'")
        #expect(try runBash("printf %s " + shellQuote("")) == [])
        for text in ["'", "''", "a'b'c", "\n", "$'x'", "-n", "*", "{a,b}"] {
            #expect(try runBash("printf %s " + shellQuote(text)) == Array(text.utf8), "\(text)")
        }
    }

    /// Found by the quoting property: Swift sees `'` plus a combining mark as one Character, bash
    /// still sees a closing quote, so quoting by Character let the rest of the value run as code.
    @Test func anApostropheFollowedByACombiningMarkIsStillEscaped() throws {
        for text in ["'\u{0F80}", "x'\u{301}; touch /tmp/rig-pwned; echo '\u{301}", "'\u{20DD}'\u{0300}"] {
            #expect(try runBash("printf %s " + shellQuote(text)) == Array(text.utf8))
            #expect(try runBash("printf %s " + ShellSyntax.quote(text)) == Array(text.utf8))
        }
    }

    @Test func listsAreQuotedItemByItem() throws {
        let ctx = RenderContext(inputs: ["items": .list([.string("a b"), .string("$(c)"), .string("d")])], mode: .execute)
        let command = try Renderer.renderText(parse("printf '[%s]' ${{ inputs.items | shell }}"), in: ctx)
        #expect(try runBash(command) == Array("[a b][$(c)][d]".utf8))
    }

    /// Runs `bash -c command` and returns its standard output.
    private func runBash(_ command: String) throws -> [UInt8] { try QuotingProperties.bashOutput(command) }
}

@Suite struct ExpressionParameterBinding {
    private func step(_ with: String) throws -> Step {
        try loadWorkflow("inputs: {p: {type: string, default: '8080'}}\nsteps:\n  - id: s\n    type: fake.kinds\n    with: \(with)\n")
            .steps[0]
    }

    private let ctx = RenderContext(inputs: ["p": .string("8080")], mode: .execute)

    @Test func defaultsAndCoercion() throws {
        let values = try ParameterBinder.bind(
            step("{count: '5', port: '${{ inputs.p }}', wait: 90, volume: {path: /srv}}"), schema: FakeKinds().schema, in: ctx)
        #expect(values["count"] == .int(5))
        #expect(values["port"] == .int(8080))
        #expect(values["enabled"] == .bool(false))
        #expect(values["packages"] == .list([]))
        #expect(values["wait"] == .string("90s"))
        #expect(values["volume"] == .map(["path": .string("/srv"), "size": .int(10)]))
        #expect(
            Array(values.keys)
                == ["count", "enabled", "port", "packages", "wait", "volume"].sorted { a, b in
                    FakeKinds().schema.parameters.firstIndex { $0.name == a }! < FakeKinds().schema.parameters.firstIndex { $0.name == b }!
                })
    }

    @Test func badValuesNameTheParameterAndPlace() throws {
        func failure(_ with: String) throws -> RenderError? {
            let s = try step(with)
            do {
                _ = try ParameterBinder.bind(s, schema: FakeKinds().schema, in: ctx)
                return nil
            } catch { return error }
        }
        let port = try #require(try failure("{port: 70000}"))
        #expect(port.message == "step 's': parameter 'port' must be a port number (1-65535), got int 70000")
        #expect(port.location?.line == 5 && port.location?.column == 18)
        #expect(try failure("{volume: {size: 3}}")?.message == "step 's': parameter 'volume' needs the key 'path'")
        #expect(try failure("{volume: {path: /x, sise: 3}}")?.message == "step 's': parameter 'volume.sise' is not a known key")
        #expect(try failure("{mode: quick}")?.message == "step 's': parameter 'mode' must be one of fast, safe, got string \"quick\"")
        #expect(try failure("{nope: 1}")?.message == "step 's': parameter 'nope' is not a parameter of type 'fake.kinds'")
    }

    @Test func secretValuesNeverAppearInErrors() throws {
        let s = try loadWorkflow("secrets: [pw]\nsteps: [{id: s, type: fake.kinds, with: {count: '${{ secrets.pw }}'}}]").steps[0]
        let secrets = RenderContext(secrets: SecretValues(["pw": "hunter2"]), mode: .execute)
        do {
            _ = try ParameterBinder.bind(s, schema: FakeKinds().schema, in: secrets)
            Issue.record("bound a non-number")
        } catch {
            #expect(!error.description.contains("hunter2"))
            #expect(error.message == "step 's': parameter 'count' must be an integer, got string")
        }
    }

    @Test func placeholdersPassThroughInDisplayMode() throws {
        let s = try loadWorkflow("secrets: [pw]\nsteps: [{id: s, type: fake.kinds, with: {count: '${{ secrets.pw }}'}}]").steps[0]
        let values = try ParameterBinder.bind(s, schema: FakeKinds().schema, in: RenderContext(mode: .display))
        #expect(values["count"] == .string("<secret:pw>"))
    }
}

@Suite struct ExpressionTaskRendering {
    @Test func conditionThenParametersThenGuard() throws {
        let w = try loadWorkflow(
            """
            inputs: {on: {type: bool, default: true}, dir: {type: string, default: /tmp/a b}}
            steps:
              - {id: up, type: noop, outputs: [x]}
              - id: s
                type: shell
                needs: up
                when: inputs.on
                unless: test -d ${{ inputs.dir | shell }}
                with: {run: "echo ${{ steps.up.outputs.x }}"}
            """)
        let step = try #require(w.step("s"))
        var outputs = StepOutputs()
        outputs.record(TaskID(step: "up", host: "local"), ["x": "42"])
        let on = try TaskRenderer.render(
            step, schema: FakeShell().schema,
            in: RenderContext(
                workflow: w, inputs: ["on": .bool(true), "dir": .string("/tmp/a b")], host: .local, outputs: outputs, mode: .execute))
        #expect(on == RenderedTask(runs: true, parameters: ["run": .string("echo 42")], guardScript: "test -d '/tmp/a b'"))
        // A false condition renders nothing else, so a missing output is no error.
        let off = try TaskRenderer.render(
            step, schema: FakeShell().schema,
            in: RenderContext(workflow: w, inputs: ["on": .bool(false), "dir": .string("x")], host: .local, mode: .execute))
        #expect(off == RenderedTask(runs: false))
    }
}
