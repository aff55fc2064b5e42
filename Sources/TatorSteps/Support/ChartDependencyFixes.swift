/// The named transformations `tator.chart-dependencies` applies to a Helm-era Tator checkout so
/// `helm dependency update` and the image pulls work in 2026. Each says why (docs/tator.md has
/// the sources). All are idempotent: applying them to their own output changes nothing.
enum ChartDependencyFixes {
    /// Bitnami's full chart index, kept on a branch after the default index was truncated to six
    /// months of versions on 2022-06-02 (bitnami/charts#10539).
    static let bitnamiArchiveIndex = "https://raw.githubusercontent.com/bitnami/charts/archive-full-index/bitnami"
    static let bitnamiDefaultIndex = "https://charts.bitnami.com/bitnami"
    /// MinIO's chart repository after helm.min.io was deprecated.
    static let minioRepository = "https://charts.min.io"
    static let minioLegacyRepository = "https://helm.min.io"

    struct ChartFix: Sendable {
        var name: String
        var reason: String
        /// Dependency repositories (as written, trailing slash ignored) this fix replaces.
        var from: String
        var to: String
    }

    static let chartFixes: [ChartFix] = [
        ChartFix(
            name: "bitnami-archive-index",
            reason:
                "charts.bitnami.com/bitnami keeps only recent versions (since 2022-06); the pinned metallb/redis versions are in the archive-full-index branch",
            from: bitnamiDefaultIndex, to: bitnamiArchiveIndex),
        ChartFix(
            name: "minio-charts-min-io",
            reason: "helm.min.io is MinIO's deprecated chart repository; the chart moved to charts.min.io",
            from: minioLegacyRepository, to: minioRepository),
    ]

    struct ImageOverride: Sendable, Hashable {
        /// values.yaml path of the subchart's image repository.
        var path: String
        var repository: String
    }

    /// Bitnami subchart images moved from docker.io/bitnami to docker.io/bitnamilegacy
    /// (2025-08-28, removal 2025-09-29: bitnami/containers#83267). Bitnami calls the legacy
    /// repository temporary: point these at your own registry for a long-lived cluster.
    static let imageOverrides: [ImageOverride] = [
        ImageOverride(path: "metallb.controller.image.repository", repository: "bitnamilegacy/metallb-controller"),
        ImageOverride(path: "metallb.speaker.image.repository", repository: "bitnamilegacy/metallb-speaker"),
        ImageOverride(path: "redis.image.repository", repository: "bitnamilegacy/redis"),
        ImageOverride(path: "redis.sentinel.image.repository", repository: "bitnamilegacy/redis-sentinel"),
        ImageOverride(path: "redis.metrics.image.repository", repository: "bitnamilegacy/redis-exporter"),
        ImageOverride(path: "redis.volumePermissions.image.repository", repository: "bitnamilegacy/bitnami-shell"),
        ImageOverride(path: "redis.sysctl.image.repository", repository: "bitnamilegacy/bitnami-shell"),
    ]

    /// Chart.yaml with every `repository:` line of a fix rewritten; indentation, quoting style
    /// and every other line kept.
    static func fixChart(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for index in lines.indices {
            let line = lines[index]
            let trimmed = line.drop { $0 == " " || $0 == "-" }
            guard trimmed.hasPrefix("repository:") else { continue }
            let indent = line.prefix(line.count - trimmed.count)
            var value = trimmed.dropFirst("repository:".count).trimmingSpaces
            var quote = ""
            if let first = value.first, first == "\"" || first == "'", value.count >= 2, value.last == first {
                quote = String(first)
                value = String(value.dropFirst().dropLast())
            }
            let bare = value.hasSuffix("/") ? String(value.dropLast()) : value
            if let fix = chartFixes.first(where: { $0.from == bare }) {
                lines[index] = "\(indent)repository: \(quote)\(fix.to)\(quote)"
            }
        }
        return lines.joined(separator: "\n")
    }

    /// values.yaml with every image override set (only for subcharts the file configures).
    static func fixValues(_ text: String) throws(ValuesEditError) -> String {
        var editor = ValuesEditor(text)
        for override in imageOverrides {
            let top = String(override.path.split(separator: ".")[0])
            guard editor.contains(top) else { continue }
            if editor.rawValue(override.path) != override.repository { try editor.set(override.path, to: override.repository) }
        }
        return editor.text
    }
}

extension Substring {
    var trimmingSpaces: String {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s.removeLast() }
        return String(s)
    }
}
