import Foundation
import Testing

@testable import TatorSteps

@Suite struct ValuesEditorOnTatorsRealFileTests {
    let settings = TatorValues(
        domain: "mysite.duckdns.org", dockerRegistry: "master:5000", dockerUsername: "admin",
        dockerPassword: #"p@ss "w0rd" \ #x: y"#, nfsServer: "192.168.1.10",
        ipRangeStart: "192.168.1.240", ipRangeStop: "192.168.1.250", loadBalancerIp: "192.168.1.245")

    func original() throws -> String { try ReferenceFiles.text("tator-values-devExample-0.1.0.yaml") }

    @Test func setsEveryTutorialKeyAndLeavesEveryOtherKeyEqual() throws {
        let text = try original()
        let edited = try settings.apply(to: text)
        let before = try YAMLTree.parse(text)
        let after = try YAMLTree.parse(edited)
        var expected = before
        for (path, value) in settings.settings { expected = expected.setting(path, to: value) }
        // The alias `*domain` under grafana follows the anchored value.
        expected = expected.setting(["kube-prometheus-stack", "grafana", "grafana.ini", "server", "domain"], to: settings.domain)
        expected = expected.setting(TatorValues.prometheusStorageClassPath, to: "nfs-client")
        #expect(after == expected)
        #expect(after[["dockerPassword"]]?.string == settings.dockerPassword)
        #expect(after[["kube-prometheus-stack", "grafana", "grafana.ini", "server", "domain"]]?.string == "mysite.duckdns.org")
    }

    @Test func changesOnlyTheLinesOfTheSetKeysAndKeepsAnchorAliasAndComments() throws {
        let text = try original()
        let edited = try settings.apply(to: text)
        let a = text.components(separatedBy: "\n")
        let b = edited.components(separatedBy: "\n")
        #expect(a.count == b.count)
        let changed = a.indices.filter { a[$0] != b[$0] }
        #expect(changed.count == settings.settings.count + 1)  // + Prometheus's storage class
        for i in changed {
            let key = a[i].trimmingCharacters(in: .whitespaces).split(separator: ":")[0]
            #expect(
                [
                    "domain", "dockerRegistry", "systemImageRepo", "dockerUsername", "dockerPassword", "nfsServer",
                    "ipRangeStart", "ipRangeStop", "loadBalancerIp", "storageClassName",
                ].contains(String(key)), "line \(i + 1) changed: \(b[i])")
        }
        #expect(b.contains("domain: &domain mysite.duckdns.org"))
        #expect(b.contains("        domain: *domain"))
        #expect(b.contains("dockerRegistry: \"master:5000\""))
        #expect(b.contains("  loadBalancerIp: 192.168.1.245"))
        #expect(b.filter { $0.hasPrefix("#") } == a.filter { $0.hasPrefix("#") })
    }

    @Test func applyingTwiceEqualsApplyingOnce() throws {
        let once = try settings.apply(to: try original())
        #expect(try settings.apply(to: once) == once)
    }

    @Test func leavesTheFileAloneWhereTheBlockScalarsLookLikeKeys() throws {
        // filebeat.yml's body holds `hosts:` lines; they are text, not keys.
        let editor = ValuesEditor(try original())
        #expect(!editor.contains("filebeat.filebeatConfig.filebeat.yml.output.elasticsearch.hosts"))
        #expect(editor.contains(path: ["filebeat", "filebeatConfig", "filebeat.yml"]))
        #expect(editor.rawValue("metallb.loadBalancerIp") == "127.0.0.1")
    }
}

@Suite struct ValuesEditorFixtureTests {
    static let fixture = """
        # site settings
        name: &name "demo"   # keep me
        alias: *name
        quoted: 'it''s'
        list:
          - key: in-a-list
            other: 1
        nested:
          # inner comment
          child: old
          block: |
            child: not-a-key
            name: nor-this
          deeper:
            leaf: 5
        empty:
        last: ~

        """

    @Test func keepsStyleAnchorsAndTrailingComments() throws {
        var editor = ValuesEditor(Self.fixture)
        try editor.set("name", to: "new value")
        try editor.set("quoted", to: "o'clock")
        try editor.set("nested.child", to: "yes")
        try editor.set("nested.deeper.leaf", to: "10.0.0.1")
        let lines = editor.text.components(separatedBy: "\n")
        #expect(lines[1] == #"name: &name "new value"   # keep me"#)
        #expect(lines[3] == "quoted: 'o''clock'")
        #expect(lines[9] == #"  child: "yes""#)  // plain `yes` would read back as a bool
        #expect(lines[14] == "    leaf: 10.0.0.1")
        let tree = try YAMLTree.parse(editor.text)
        #expect(tree[["alias"]]?.string == "new value")
        #expect(tree[["nested", "child"]]?.string == "yes")
        #expect(tree[["nested", "block"]]?.string == "child: not-a-key\nname: nor-this\n")
        #expect(tree[["list"]] == (try YAMLTree.parse(Self.fixture))[["list"]])
    }

    @Test func aSingleQuotedValueWithAnApostropheAndACombiningMarkReadsBackExactly() throws {
        var editor = ValuesEditor(Self.fixture)
        let value = "o'\u{301}clock"
        try editor.set("quoted", to: value)
        #expect(try YAMLTree.parse(editor.text)[["quoted"]]?.string == value)
    }

    @Test func addsMissingKeysUnderTheirParentOrAtTheEnd() throws {
        var editor = ValuesEditor(Self.fixture)
        try editor.set("nested.added", to: "x")
        try editor.set("empty.child", to: "y")
        try editor.set("brand.new.key", to: "z: w")
        let tree = try YAMLTree.parse(editor.text)
        #expect(tree[["nested", "added"]]?.string == "x")
        #expect(tree[["nested", "deeper", "leaf"]]?.string == "5")
        #expect(tree[["empty", "child"]]?.string == "y")
        #expect(tree[["brand", "new", "key"]]?.string == "z: w")
        #expect(tree[["last"]] == (try YAMLTree.parse(Self.fixture))[["last"]])
        var twice = editor
        try twice.set("nested.added", to: "x")
        #expect(twice.text == editor.text)
    }

    @Test func refusesToOverwriteMappingsAliasesAndBlocks() {
        var editor = ValuesEditor(Self.fixture)
        #expect(throws: ValuesEditError.notAScalar(path: "nested", line: 8)) { try editor.set("nested", to: "x") }
        #expect(throws: ValuesEditError.alias(path: "alias", line: 3)) { try editor.set("alias", to: "x") }
        #expect(throws: ValuesEditError.notAScalar(path: "nested.block", line: 11)) { try editor.set("nested.block", to: "x") }
        #expect(throws: ValuesEditError.notAScalar(path: "list", line: 5)) { try editor.set("list", to: "x") }
        #expect(throws: ValuesEditError.cannotAddUnder(path: "quoted.sub", line: 4)) { try editor.set("quoted.sub", to: "x") }
        #expect(editor.text == Self.fixture)
    }

    @Test func quotesValuesThatWouldChangeMeaningWhenPlain() {
        for (value, plainOK) in [
            ("mysite.duckdns.org", true), ("192.168.1.5", true), ("master:5000", true), ("5000", false),
            ("no", false), ("~", false), ("1e3", false), ("", false), ("a #b", false), ("-x", false),
            ("0x1F", false), ("@home", false), (" lead", false), ("tab\there", false),
        ] {
            #expect(ScalarSlot.isPlainSafe(value) == plainOK, "\(value)")
        }
    }

    @Test func doubleQuotedValuesRoundTripThroughYAML() throws {
        for value in [#"a"b"#, #"back\slash"#, "new\nline", "tab\t", "ünïcode ✓", "#hash", "'single'"] {
            var editor = ValuesEditor("secret: \"old\"\n")
            try editor.set("secret", to: value)
            #expect(try YAMLTree.parse(editor.text)[["secret"]]?.string == value)
        }
    }
}
