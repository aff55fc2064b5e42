import Testing

@testable import TatorSteps

@Suite("Chart dependency transformations")
struct ChartDependencyFixesTests {
    static let chart = """
        apiVersion: v2
        name: tator
        dependencies:
          - name: metallb
            version: 3.0.7
            repository: https://charts.bitnami.com/bitnami
            condition: metallb.enabled
          - name: minio
            version: 8.0.8
            repository: "https://helm.min.io/"
            condition: minio.enabled
          - name: kube-prometheus-stack
            version: 36.2.0
            repository: https://prometheus-community.github.io/helm-charts
        maintainers:
          - name: CVision AI
        """

    @Test func bitnamiDependenciesMoveToTheArchiveIndexWithTheirVersions() {
        let fixed = ChartDependencyFixes.fixChart(Self.chart)
        #expect(fixed.contains("    version: 3.0.7\n    repository: \(ChartDependencyFixes.bitnamiArchiveIndex)\n"))
        #expect(!fixed.contains("charts.bitnami.com"))
    }

    @Test func minioMovesToChartsMinIOAtAVersionItServesKeepingTheQuoteStyle() {
        let fixed = ChartDependencyFixes.fixChart(Self.chart)
        #expect(fixed.contains("  - name: minio\n    version: 5.4.0\n    repository: \"https://charts.min.io/\"\n"))
        #expect(!fixed.contains("8.0.8"))
    }

    @Test func otherDependenciesAndLinesAreUntouched() {
        let fixed = ChartDependencyFixes.fixChart(Self.chart)
        #expect(fixed.contains("    version: 36.2.0\n    repository: https://prometheus-community.github.io/helm-charts\n"))
        #expect(fixed.hasSuffix("maintainers:\n  - name: CVision AI"))
        #expect(fixed.split(separator: "\n").count == Self.chart.split(separator: "\n").count)
    }

    @Test func applyingTheChartFixesTwiceChangesNothing() {
        let once = ChartDependencyFixes.fixChart(Self.chart)
        #expect(ChartDependencyFixes.fixChart(once) == once)
    }

    @Test func theRealChartsAtEachHelmEraRefResolveOnlyFromLiveRepositoriesAfterTheFixes() throws {
        for ref in ["0.2.12", "0.2.23-1", "1.0.5"] {
            guard ReferenceFiles.url("tator-at-refs/\(ref)/helm/tator/Chart.yaml") != nil else { continue }
            let fixed = ChartDependencyFixes.fixChart(try ReferenceFiles.text("tator-at-refs/\(ref)/helm/tator/Chart.yaml"))
            #expect(!fixed.contains("charts.bitnami.com"), "\(ref)")
            #expect(!fixed.contains("helm.min.io"), "\(ref)")
            #expect(fixed.contains("version: 5.4.0\n    repository: https://charts.min.io/"), "\(ref)")
        }
    }

    static let values = """
        domain: example.duckdns.org
        redis:
          enabled: true
          architecture: standalone
        minio:
          enabled: true
          accessKey: "AKIAEXAMPLE"
          secretKey: "SECRETEXAMPLE"
          persistence:
            size: "1Ti"
        """

    @Test func minioValuesAreMappedToTheNewChartsNamesAndASmallStandaloneServer() throws {
        let fixed = try ChartDependencyFixes.fixValues(Self.values)
        var editor = ValuesEditor(fixed)
        #expect(editor.rawValue("minio.rootUser") == "AKIAEXAMPLE")
        #expect(editor.rawValue("minio.rootPassword") == "SECRETEXAMPLE")
        #expect(editor.rawValue("minio.mode") == "standalone")
        #expect(editor.rawValue("minio.replicas") == "1")
        #expect(editor.rawValue("minio.resources.requests.memory") == "1Gi")
        #expect(editor.rawValue("minio.persistence.size") == "1Ti")
        try editor.set("domain", to: "other.duckdns.org")
        #expect(editor.text.contains("accessKey: \"AKIAEXAMPLE\""), "the old keys stay for Tator's own templates")
    }

    @Test func bitnamiImagesPointAtBitnamilegacyOnlyForConfiguredSubchartsAndOnlyWhenAsked() throws {
        let fixed = try ChartDependencyFixes.fixValues(Self.values)
        let editor = ValuesEditor(fixed)
        #expect(editor.rawValue("redis.image.repository") == "bitnamilegacy/redis")
        #expect(!editor.contains("metallb"), "values without a metallb section get none")
        let withoutImages = try ChartDependencyFixes.fixValues(Self.values, images: false)
        #expect(!ValuesEditor(withoutImages).contains("redis.image.repository"))
        #expect(ValuesEditor(withoutImages).rawValue("minio.mode") == "standalone")
    }

    @Test func applyingTheValuesFixesTwiceChangesNothing() throws {
        let once = try ChartDependencyFixes.fixValues(Self.values)
        #expect(try ChartDependencyFixes.fixValues(once) == once)
    }
}
