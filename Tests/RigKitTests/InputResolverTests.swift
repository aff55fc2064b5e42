import Foundation
import OrderedCollections
import RigKit
import RigModel
import Testing

private let declarations = """
    inputs:
      domain: {type: hostname, required: true}
      replicas: {type: int, default: 1}
      gpu: {type: bool, default: false}
      master: ip
      network: {type: cidr, default: 10.244.0.0/16}
      ssh_port: {type: port, default: 22}
      wait: {type: duration, default: 5m}
      nodes: "list<ip>"
      tags: list
      mode: {type: string, enum: [safe, fast], default: safe}
      slug: {type: string, pattern: "[a-z0-9-]+"}
    steps: [{id: a, type: noop}]
    """

private func resolve(_ assignments: [String], files: [String: String] = [:]) throws(ValidationFailure) -> OrderedDictionary<String, Value> {
    let workflow = try loadWorkflow(declarations)
    let folder = TemporaryFolder()
    let paths = files.sorted { $0.key < $1.key }.map { folder.write($0.key, $0.value) }
    return try InputResolver.resolve(workflow, assignments: assignments, files: paths)
}

private func problems(_ assignments: [String], files: [String: String] = [:]) -> [Diagnostic] {
    do {
        _ = try resolve(assignments, files: files)
        return []
    } catch {
        return error.diagnostics
    }
}

@Suite struct InputResolverTyping {
    @Test func defaultsThenFilesThenFlags() throws {
        let values = try resolve(
            ["replicas=3", "domain=tator.lan"],
            files: [
                "1.yaml": "replicas: 2\ngpu: true\ndomain: first.lan\n",
                "2.yaml": "domain: second.lan\nnodes: [10.0.0.1, fd00::1]\n",
            ])
        #expect(values["domain"] == .string("tator.lan"))
        #expect(values["replicas"] == .int(3))
        #expect(values["gpu"] == .bool(true))
        #expect(values["nodes"] == .list([.string("10.0.0.1"), .string("fd00::1")]))
        #expect(values["network"] == .string("10.244.0.0/16"))
        #expect(values["wait"] == .string("5m"))
        #expect(values["master"] == .null, "optional inputs without a value are null")
        #expect(
            Array(values.keys) == ["domain", "replicas", "gpu", "master", "network", "ssh_port", "wait", "nodes", "tags", "mode", "slug"])
    }

    @Test func flagValuesAreTyped() throws {
        let values = try resolve([
            "domain=a.b", "gpu=yes", "ssh_port=2222", "nodes=10.0.0.1, 10.0.0.2", "tags=", "wait=1h30m", "master=::1",
        ])
        #expect(values["gpu"] == .bool(true))
        #expect(values["ssh_port"] == .int(2222))
        #expect(values["nodes"] == .list([.string("10.0.0.1"), .string("10.0.0.2")]))
        #expect(values["tags"] == .list([]))
        #expect(values["wait"] == .string("1h30m"))
        #expect(values["master"] == .string("::1"))
        #expect(
            try resolve(["domain=a", "slug=a=b"].dropLast() + ["tags=x=y"])["tags"] == .list([.string("x=y")]), "only the first = splits")
    }

    @Test func ipAddresses() {
        let good = [
            "0.0.0.0", "255.255.255.255", "192.168.1.10", "::", "::1", "fe80::1", "2001:db8::8a2e:370:7334", "::ffff:10.0.0.1",
            "2001:0db8:0000:0000:0000:ff00:0042:8329",
        ]
        let bad = [
            "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.-4", "", " 1.2.3.4", "::1%eth0", "[::1]", "1::2::3", "12345::1",
            "gggg::1", "localhost", "1.2.3.4/24",
        ]
        for ip in good { #expect(problems(["domain=x", "master=\(ip)"]) == [], "\(ip)") }
        for ip in bad {
            let found = problems(["domain=x", "master=\(ip)"])
            #expect(found.map(\.message) == ["--input master=\(ip): \"\(ip)\" is not an IP address"], "\(ip)")
        }
    }

    @Test func otherTypes() {
        let cases: [(String, String)] = [
            ("replicas=two", "--input replicas=two: \"two\" is not a whole number"),
            ("gpu=maybe", "--input gpu=maybe: \"maybe\" is not true or false"),
            ("network=10.0.0.0/33", "--input network=10.0.0.0/33: \"10.0.0.0/33\" is not an address range"),
            ("network=10.0.0.0", "--input network=10.0.0.0: \"10.0.0.0\" is not an address range"),
            ("ssh_port=0", "--input ssh_port=0: \"0\" is not a port number"),
            ("ssh_port=65536", "--input ssh_port=65536: \"65536\" is not a port number"),
            ("wait=5 minutes", "--input wait=5 minutes: \"5 minutes\" is not a duration"),
            ("nodes=10.0.0.1,nope", "--input nodes=10.0.0.1,nope: \"nope\" is not an IP address"),
            ("mode=quick", "--input mode=quick: \"quick\" is not one of the allowed values: safe, fast"),
            ("slug=Not Valid", "--input slug=Not Valid: \"Not Valid\" does not match the pattern [a-z0-9-]+"),
        ]
        for (flag, message) in cases {
            #expect(problems(["domain=x", flag]).map(\.message) == [message], "\(flag)")
        }
        #expect(problems(["domain=x", "network=fd00::/64", "ssh_port=65535", "wait=45", "slug=ok-1"]) == [])
    }

    @Test func hostnames() {
        for name in ["a", "tator.lan", "my-host.example.com", String(repeating: "a", count: 63) + ".b"] {
            #expect(problems(["domain=\(name)"]) == [], "\(name)")
        }
        for name in ["-a.lan", "a-.lan", "a..b", "under_score", String(repeating: "a", count: 64), "999.1.1.1", "a b"] {
            #expect(
                problems(["domain=\(name)"]).map(\.message) == ["--input domain=\(name): \"\(name)\" is not a valid host name"], "\(name)")
        }
    }

    @Test func unknownMalformedAndMissing() {
        let found = problems(["domian=x", "replicas"])
        #expect(
            found.map(\.message)
                == [
                    "--input domian=x: workflow 'w' has no input named 'domian'",
                    "--input replicas: expected NAME=VALUE",
                    "input 'domain' is required but was not given",
                ].sorted { a, b in a.hasPrefix("input") && !b.hasPrefix("input") })
        let missing = found.first { $0.message.hasPrefix("input 'domain'") }
        #expect(missing?.position == "2:3")
        #expect(missing?.hint == "give it with `--input domain=VALUE`, or a line `domain: VALUE` in a file passed with --inputs")
        #expect(
            found.first { $0.message.contains("domian") }?.hint?.hasPrefix("did you mean 'domain'? its inputs are: domain, replicas")
                == true)
    }

    @Test func fileValuesAreLocated() {
        let found = problems([], files: ["in.yaml": "domain: ok.lan\nreplicas: many\nnodes: [10.0.0.1, {a: 1}]\nbogus: 1\nslug:\n"])
        #expect(
            found.map(\.message) == [
                "input 'replicas': \"many\" is not a whole number",
                "input 'nodes': map value is not an ip",
                "workflow 'w' has no input named 'bogus'",
                "input 'slug': has no value",
            ])
        #expect(found.map(\.position) == ["2:11", "3:8", "4:1", "5:6"])
        #expect(found.allSatisfy { $0.location?.file.hasSuffix("/in.yaml") == true })
    }

    @Test func badInputsFiles() {
        #expect(problems(["domain=x"], files: ["in.yaml": "- a\n"]).map(\.message) == ["an inputs file must be a map, not a list"])
        #expect(problems(["domain=x"], files: ["in.yaml": "a: [\n"]).first?.message.hasPrefix("invalid YAML") == true)
        let workflow = try! loadWorkflow(declarations)
        do {
            _ = try InputResolver.resolve(workflow, assignments: ["domain=x"], files: ["/nonexistent/in.yaml"])
            Issue.record("read a missing file")
        } catch {
            #expect(error.diagnostics.map(\.message) == ["inputs file '/nonexistent/in.yaml' does not exist"])
        }
    }
}

@Suite struct InputResolverDurations {
    @Test func durationSyntax() {
        #expect(DurationSyntax.parse("30s") == .seconds(30))
        #expect(DurationSyntax.parse("1h30m") == .seconds(5400))
        #expect(DurationSyntax.parse("500ms") == .milliseconds(500))
        #expect(DurationSyntax.parse("1.5s") == .milliseconds(1500))
        #expect(DurationSyntax.parse("2d") == .seconds(172_800))
        #expect(DurationSyntax.parse(" 45 ") == .seconds(45))
        for bad in ["", "s", "5 m", "5x", "-5s", "1..2s", "1h-5m", "m5", "99999999999999999999", "99999999999999999999h"] {
            #expect(DurationSyntax.parse(bad) == nil, "\(bad)")
        }
        #expect(DurationSyntax.format(.seconds(5400)) == "1h30m")
        #expect(DurationSyntax.format(.milliseconds(1500)) == "1s500ms")
        #expect(DurationSyntax.format(.milliseconds(250)) == "250ms")
    }
}
