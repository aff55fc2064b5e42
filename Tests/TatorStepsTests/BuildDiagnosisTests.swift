import Foundation
import Testing

@testable import TatorSteps

/// `make cluster` failures from facts §12, recognised in a build log by the explain function.
@Suite struct BuildDiagnosisTests {
    static let cases: [(log: String, hint: String)] = [
        ("Error: no chart version found for metallb-0.1.21", "archive-full-index"),
        ("Error: can't get a valid version for repositories redis. Try changing the version constraint", "archive-full-index"),
        ("Error: looks like \"https://kubernetes-charts.storage.googleapis.com\" is not a valid chart repository", "charts.helm.sh/stable"),
        ("the input device is not a TTY", "pseudo-terminal"),
        (
            "Error: release tator failed: timed out waiting for the condition: PersistentVolumeClaim is not bound: default/main-pv-claim",
            "showmount -e"
        ),
        (
            "error: unable to recognize \"x\": no matches for kind \"PodDisruptionBudget\" in version \"policy/v1beta1\"",
            "use tatorRef 1.0.5"
        ),
        ("Get https://master1:5000/v2/: http: server gave HTTP response to HTTPS client", "insecure"),
        ("ModuleNotFoundError: No module named 'yaml'", "buildDependencies"),
    ]

    @Test(arguments: 0..<cases.count)
    func explainsAKnownFailure(index: Int) throws {
        let (log, hint) = Self.cases[index]
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rig-make-\(UUID().uuidString).log")
        try (log + "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let (status, output) = try Bash.run(["bash", "-c", "explain() {\n\(BuildDiagnosis.script)\n}\nexplain \"$0\"", file.path])
        #expect(status == 0)
        #expect(output.contains(hint), "no hint with '\(hint)' for: \(log)\n\(output)")
        #expect(output.components(separatedBy: "rig: hint:").count == 2, "exactly one hint expected:\n\(output)")
    }

    @Test func saysNothingAboutAnUnknownFailure() throws {
        let (status, output) = try Bash.run(["bash", "-c", "explain() {\n\(BuildDiagnosis.script)\n}\nexplain /dev/null"])
        #expect(status == 0 && output.isEmpty)
    }
}
