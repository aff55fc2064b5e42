import Foundation
import PropertyBased
import Testing

@testable import TatorSteps

/// The two editors that change users' files (`/etc/exports`, values.yaml) are idempotent and keep
/// every line they do not own, whatever else the file holds.
@Suite struct EditorProperties {
    static let share = "/media/kubernetes_share"
    static let editor = ExportsEditor.tator(share: share, lan: "192.168.1.0/24")

    /// Lines an /etc/exports may hold that are not the share's: comments, blanks, other exports.
    static let foreignLine = Gen<String>.oneOf(
        Gen<Character?>.element(of: Array("abcdefgh /*()#,.-_=")).map { $0! }.string(of: 0...30).map { "# " + $0 }.eraseToAnySequence(),
        Gen.lowercaseLetter.string(of: 1...12).map { "/srv/\($0) *(ro,sync)" }.eraseToAnySequence(),
        Gen.lowercaseLetter.string(of: 1...8).map { "/media/\($0)_other 10.0.0.0/8(rw)" }.eraseToAnySequence(),
        Gen<String?>.element(of: ["", "   ", "\t"]).map { $0! }.eraseToAnySequence())

    /// Lines the editor owns: the share and its scratch folder, stale or duplicated.
    static let ownedLine = Gen<String?>.element(of: [
        "\(share) 127.0.0.1(rw)", "\(share)/ 192.168.1.0/24(rw,async,no_subtree_check)",
        "\(share)/scratch 10.1.0.0/16(ro)", "\t\(share)/scratch 192.168.1.0/24(rw,async,no_subtree_check)",
    ]).map { $0! }

    static let exportsFile = Gen<String>.oneOf(foreignLine.eraseToAnySequence(), ownedLine.eraseToAnySequence())
        .array(of: 0...14).map { $0.joined(separator: "\n") + "\n" }

    @Test func exportsEditorIsIdempotentAndKeepsEveryForeignLineInOrder() async {
        await propertyCheck(input: Self.exportsFile) { text in
            let once = Self.editor.apply(to: text)
            #expect(Self.editor.apply(to: once) == once)
            let foreign = text.components(separatedBy: "\n").filter { !$0.contains(Self.share + " ") && !$0.contains(Self.share + "/") }
            let kept = once.components(separatedBy: "\n").filter { !$0.contains(Self.share + " ") && !$0.contains(Self.share + "/") }
            #expect(kept.filter { !$0.isEmpty } == foreign.filter { !$0.isEmpty })
            #expect(once.components(separatedBy: "\n").filter { $0.hasPrefix(Self.share + " ") }.count == 1)
            #expect(once.components(separatedBy: "\n").filter { $0.hasPrefix(Self.share + "/scratch ") }.count == 1)
        }
    }

    /// A values.yaml shaped like Tator's: the keys the step sets among keys, comments and lists it must keep.
    static let valuesTemplate = """
        # Tator values (test fixture)
        domain: &domain old.example.org   # the site
        dockerRegistry: localhost:5000
        systemImageRepo: localhost:5000
        dockerUsername: ""
        dockerPassword: ""
        extra:
          # keep me
          list:
            - a
            - b: c
        pv:
          nfsServer: 10.0.0.1
          path: /media/kubernetes_share
        metallb:
          enabled: true
          ipRangeStart: 10.0.0.240
          ipRangeStop: 10.0.0.250
          loadBalancerIp: 10.0.0.240
        grafana:
          domain: *domain
        """

    static let password = Gen<Character?>.element(of: Array("abcxyz019.-:_ '\"#&*!@%{}[]|>\\")).map { $0! }.string(of: 0...20)
    static let hostname = Gen<Character?>.element(of: Array("abcxyz019.-")).map { $0! }.string(of: 1...20)

    @Test func valuesEditorIsIdempotentAndKeepsEveryLineItDoesNotSet() async throws {
        await propertyCheck(input: Self.password, Self.hostname, Gen.int(in: 0...255)) { password, domain, octet in
            let settings = TatorValues(
                domain: domain, dockerRegistry: "master1:5000", dockerUsername: "u",
                dockerPassword: password, nfsServer: "192.168.1.\(octet)", ipRangeStart: "", ipRangeStop: "",
                loadBalancerIp: "192.168.1.\(octet)")
            let once = try settings.apply(to: Self.valuesTemplate)
            #expect(try settings.apply(to: once) == once)
            let before = Self.valuesTemplate.components(separatedBy: "\n")
            let after = once.components(separatedBy: "\n")
            #expect(before.count == after.count)
            let owned: Set<String> = [
                "domain", "dockerRegistry", "systemImageRepo", "dockerUsername", "dockerPassword",
                "nfsServer", "ipRangeStart", "ipRangeStop", "loadBalancerIp",
            ]
            for (old, new) in zip(before, after) where old != new {
                let key = old.trimmingCharacters(in: .whitespaces).split(separator: ":").first.map(String.init) ?? ""
                #expect(owned.contains(key), "a line the editor does not own changed: \(old) → \(new)")
            }
            let tree = try YAMLTree.parse(once)
            #expect(tree[["dockerPassword"]]?.string == password)
            #expect(tree[["grafana", "domain"]]?.string == settings.domain)
        }
    }
}
