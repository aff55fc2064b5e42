/// The named transformations `tator.chart-dependencies` applies to a Helm-era Tator checkout so
/// `helm dependency update` and the image pulls work in 2026. Each says why (docs/tator.md has
/// the sources). All are idempotent: applying them to their own output changes nothing.
enum ChartDependencyFixes {
    /// Bitnami's full chart index, kept on a branch after the default index was truncated to six
    /// months of versions on 2022-06-02 (bitnami/charts#10539).
    static let bitnamiArchiveIndex = "https://raw.githubusercontent.com/bitnami/charts/archive-full-index/bitnami"
    static let bitnamiDefaultIndex = "https://charts.bitnami.com/bitnami"
    /// MinIO's community chart repository. helm.min.io (the archived minio/charts, where 8.0.8
    /// lived) answers 404 since 2021 (gitpod-io/gitpod#6876, minio/minio#18685), and charts.min.io
    /// serves only the new chart line (1.0.0 and later), with other value names.
    static let minioRepository = "https://charts.min.io/"
    static let minioLegacyRepository = "https://helm.min.io"
    static let minioChartVersion = "5.4.0"

    struct ChartFix: Sendable {
        var name: String
        var reason: String
        /// Dependency repositories (as written, trailing slash ignored) this fix replaces.
        var from: String
        var to: String
        /// The dependency's new version, when the new repository does not serve the old one.
        var version: String? = nil
    }

    static let chartFixes: [ChartFix] = [
        ChartFix(
            name: "bitnami-archive-index",
            reason:
                "charts.bitnami.com/bitnami keeps only recent versions (since 2022-06); the pinned metallb/redis versions are in the archive-full-index branch",
            from: bitnamiDefaultIndex, to: bitnamiArchiveIndex),
        ChartFix(
            name: "minio-charts-min-io",
            reason:
                "helm.min.io (minio 8.0.8) answers 404; charts.min.io serves the community chart from 1.0.0 on, so minio moves to \(minioChartVersion) with its values mapped (minio-values)",
            from: minioLegacyRepository, to: minioRepository, version: minioChartVersion),
    ]

    /// values.yaml keys of the minio 8.x chart and their names in the charts.min.io chart; the
    /// service keeps its name (`RELEASE-minio`, port 9000), so Tator's `tator-minio:9000` still answers.
    static let minioValueRenames: [(old: String, new: String)] = [
        ("minio.accessKey", "minio.rootUser"), ("minio.secretKey", "minio.rootPassword"),
    ]

    /// Values the charts.min.io chart needs for one small standalone server (its defaults are a
    /// 16-node distributed setup asking 16Gi of memory per pod).
    static let minioSettings: [(path: String, value: String)] = [
        ("minio.mode", "standalone"), ("minio.replicas", "1"), ("minio.resources.requests.memory", "1Gi"),
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

    /// Chart.yaml with the `repository:` (and, where a fix says, `version:`) line of each fixed
    /// dependency rewritten; indentation, quoting style and every other line kept.
    static func fixChart(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for block in dependencyBlocks(lines) {
            guard let repoIndex = block.first(where: { key(lines[$0]) == "repository" }) else { continue }
            let (indent, value, quote) = scalar(lines[repoIndex], key: "repository")
            let bare = value.hasSuffix("/") ? String(value.dropLast()) : value
            let target = { (fix: ChartFix) in fix.to.hasSuffix("/") ? String(fix.to.dropLast()) : fix.to }
            guard let fix = chartFixes.first(where: { $0.from == bare || target($0) == bare }) else { continue }
            lines[repoIndex] = "\(indent)repository: \(quote)\(fix.to)\(quote)"
            if let version = fix.version, let versionIndex = block.first(where: { key(lines[$0]) == "version" }) {
                let (vIndent, _, vQuote) = scalar(lines[versionIndex], key: "version")
                lines[versionIndex] = "\(vIndent)version: \(vQuote)\(version)\(vQuote)"
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Line indices of each `- name: ...` item, up to the next item or the end of the list.
    private static func dependencyBlocks(_ lines: [String]) -> [[Int]] {
        var blocks: [[Int]] = []
        for (index, line) in lines.enumerated() {
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix("- ") {
                blocks.append([index])
            } else if !blocks.isEmpty, line.first == " " {
                blocks[blocks.count - 1].append(index)
            } else if !trimmed.isEmpty, !blocks.isEmpty, line.first != " " {
                blocks.append([])  // a new top-level key ends the list
            }
        }
        return blocks.filter { !$0.isEmpty }
    }

    private static func key(_ line: String) -> String {
        let trimmed = line.drop { $0 == " " || $0 == "-" }
        return trimmed.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
    }

    /// The indentation (with any `- `), the unquoted value and its quote character of `key: value`.
    private static func scalar(_ line: String, key: String) -> (indent: Substring, value: String, quote: String) {
        let trimmed = line.drop { $0 == " " || $0 == "-" }
        let indent = line.prefix(line.count - trimmed.count)
        var value = trimmed.dropFirst(key.count + 1).trimmingSpaces
        var quote = ""
        if let first = value.first, first == "\"" || first == "'", value.count >= 2, value.last == first {
            quote = String(first)
            value = String(value.dropFirst().dropLast())
        }
        return (indent, value, quote)
    }

    /// values.yaml with the minio values mapped to the charts.min.io chart (when the file has a
    /// minio section) and, when `images` is on, every image override set (only for subcharts the
    /// file configures).
    static func fixValues(_ text: String, images: Bool = true) throws(ValuesEditError) -> String {
        var editor = ValuesEditor(text)
        if editor.contains("minio") {
            for rename in minioValueRenames {
                guard let old = editor.rawValue(rename.old), editor.rawValue(rename.new) == nil else { continue }
                try editor.set(rename.new, to: old)
            }
            for setting in minioSettings where editor.rawValue(setting.path) != setting.value {
                try editor.set(setting.path, to: setting.value)
            }
        }
        guard images else { return editor.text }
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
