import Foundation
import RigKit
import RigModel

/// `tator.chart-dependencies`: on the master, makes the checkout's chart resolvable today with
/// named transformations (`ChartDependencyFixes`): Bitnami dependencies from Bitnami's archived
/// full index, MinIO's chart from charts.min.io (5.4.0, values mapped), Bitnami subchart images from `bitnamilegacy`;
/// then `helm dependency update`, so a missing chart fails here in seconds instead of inside
/// `make cluster`. Idempotent: files are rewritten only when a transformation changes them, and
/// the update runs again only when Chart.yaml changed since the last successful one.
public struct ChartDependenciesStep: StepType {
    public init() {}

    public let name = "tator.chart-dependencies"
    public let summary =
        "Point the Tator chart's dependencies and Bitnami images at where they still exist; helm dependency update"

    public let schema = ParameterSchema([
        CommonParameters.tatorDir,
        .init(
            "fixImages", .bool, default: "true",
            description:
                "Set the Bitnami subcharts' image repositories to bitnamilegacy/* in values.yaml (docker.io/bitnami/* tags are gone)"
        ),
    ])

    static let marker = "\(TatorLayout.stateDirectory)/chart-dependencies.sha256"

    struct Files {
        var chart: String
        var values: String
        var chartDir: String
    }

    func files(_ p: Parameters) -> Files {
        let dir = p.string("tatorDir") + "/helm/tator"
        return Files(chart: dir + "/Chart.yaml", values: dir + "/values.yaml", chartDir: dir)
    }

    func updateCommand(_ files: Files) -> Command {
        let q = Shell.quote
        let script = ScriptBuilder.script(
            """
            sum=$(sha256sum \(q(files.chart)) | cut -d' ' -f1)
            if [ -d \(q(files.chartDir + "/charts")) ] && [ "$(cat \(Self.marker) 2>/dev/null)" = "$sum" ]; then
              echo 'rig: the chart dependencies are up to date'
              echo 'rig.changed=false' >> "${RIG_OUTPUT:-/dev/null}"
              exit 0
            fi
            if ! log=$(helm dependency update \(q(files.chartDir)) 2>&1); then
              printf '%s\\n' "$log" >&2
              missing=$(printf '%s\\n' "$log" | grep -Eo "(no chart version found for|can't get a valid version for|could not find).*" | head -3 || true)
              rig_fail "helm dependency update failed in \(files.chartDir)${missing:+: $missing}. Check the repository of that dependency in \(files.chart) (docs/tator.md, Chart dependencies) or vendor the chart into \(files.chartDir)/charts"
            fi
            printf '%s\\n' "$log" | tail -5
            mkdir -p \(TatorLayout.stateDirectory)
            echo "$sum" > \(Self.marker)
            """)
        return Command(script, become: true, timeout: .seconds(600), summary: "helm dependency update \(files.chartDir)")
    }

    public func plan(_ invocation: StepInvocation) throws -> TaskPlan {
        let p = Parameters(invocation, schema)
        let files = files(p)
        var lines = ["# rig reads \(files.chart) and \(files.values) and applies these named transformations:"]
        for fix in ChartDependencyFixes.chartFixes {
            lines.append("#   \(fix.name): Chart.yaml dependencies from \(fix.from) -> \(fix.to)")
            lines.append("#     (\(fix.reason))")
        }
        lines.append("#   minio-values: values.yaml minio section for the charts.min.io chart:")
        for rename in ChartDependencyFixes.minioValueRenames { lines.append("#     \(rename.new): the value of \(rename.old)") }
        for setting in ChartDependencyFixes.minioSettings { lines.append("#     \(setting.path): \(setting.value)") }
        if p.bool("fixImages") {
            lines.append("#   bitnami-legacy-images: values.yaml (for each subchart it configures):")
            for override in ChartDependencyFixes.imageOverrides { lines.append("#     \(override.path): \(override.repository)") }
        }
        return TaskPlan(actions: [
            .run(Command(lines.joined(separator: "\n"), become: true, summary: "apply the chart transformations in rig")),
            .upload(
                FileUpload(
                    path: files.chart, text: "(Chart.yaml with the transformations above, when they change it)\n", mode: 0o644,
                    become: true)),
            .upload(
                FileUpload(
                    path: files.values, text: "(values.yaml with the image overrides above, when they change it)\n", mode: 0o600,
                    owner: "root", group: "root", become: true, secret: true)),
            .run(updateCommand(files)),
        ])
    }

    public func execute(_ invocation: StepInvocation, context: any TaskContext) throws -> TaskResult {
        let p = Parameters(invocation, schema)
        let files = files(p)
        let state = try RemoteFiles.read([files.chart, files.values], context: context)
        guard let chart = state[0].content else {
            throw StepFailure.failed(
                "\(files.chart) does not exist on \(invocation.host.name): the Tator ref has no Helm chart (tags after 1.0.5 deploy with compose); set tatorRef to 1.0.5"
            )
        }
        var actions: [TaskPlan.Action] = []
        let fixedChart = ChartDependencyFixes.fixChart(chart)
        if fixedChart != chart {
            actions.append(.upload(FileUpload(path: files.chart, text: fixedChart, mode: 0o644, become: true)))
        }
        if let values = state[1].content {
            let fixed: String
            do { fixed = try ChartDependencyFixes.fixValues(values, images: p.bool("fixImages")) } catch {
                throw StepFailure.failed("cannot edit \(files.values): \(error)")
            }
            if fixed != values {
                actions.append(
                    .upload(
                        FileUpload(path: files.values, text: fixed, mode: 0o600, owner: "root", group: "root", become: true, secret: true)))
            }
        }
        actions.append(.run(updateCommand(files)))
        var result = try context.run(TaskPlan(actions: actions), invocation: invocation)
        if actions.count > 1 { result.status = .changed }
        return result
    }
}
