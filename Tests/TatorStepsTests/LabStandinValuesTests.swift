import Foundation
import Testing

@testable import TatorSteps

/// rig lab hands the workflow its own Tator stand-in; tator.values must find every key it edits there.
@Suite struct LabStandinValuesTests {
    static let standin = ReferenceFiles.repositoryRoot
        .appendingPathComponent("Sources/RigLab/Resources/tator-standin/helm/tator/values-devExample.yaml")

    @Test func theValuesStepEditsEveryKeyOfTheLabsStandinInPlace() throws {
        let original = try String(contentsOf: Self.standin, encoding: .utf8)
        let editor = ValuesEditor(original)
        for setting in TatorValues(
            domain: "x", dockerRegistry: "x", dockerUsername: "", dockerPassword: "",
            nfsServer: "x", ipRangeStart: "", ipRangeStop: "", loadBalancerIp: "x"
        ).settings {
            #expect(editor.contains(path: setting.path), "the stand-in lacks \(setting.path.joined(separator: "."))")
        }
        #expect(editor.contains(path: TatorValues.prometheusStorageClassPath))

        let values = TatorValues(
            domain: "mysite.duckdns.org", dockerRegistry: "master1:5000", dockerUsername: "",
            dockerPassword: "pw", nfsServer: "192.168.1.10", ipRangeStart: "192.168.1.240",
            ipRangeStop: "192.168.1.250", loadBalancerIp: "192.168.1.240")
        let edited = try values.apply(to: original)
        #expect(edited.contains("domain: &domain mysite.duckdns.org\n"))
        #expect(edited.contains("  host: *domain\n"))
        #expect(edited.contains("storageClassName: nfs-client"))
        #expect(!edited.contains("127.0.0.1") && !edited.contains("localhost"))
        // Only the edited lines differ: comments and every other key stay.
        let changed = zip(
            original.split(separator: "\n", omittingEmptySubsequences: false),
            edited.split(separator: "\n", omittingEmptySubsequences: false)
        ).filter { $0 != $1 }
        #expect(original.split(separator: "\n").count == edited.split(separator: "\n").count)
        #expect(changed.count == 10)
    }
}
