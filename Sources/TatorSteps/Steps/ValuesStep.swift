import RigKit
import RigModel

/// `tator.values`: on the master, `helm/tator/values.yaml` made from `values-devExample.yaml`
/// (or the existing values.yaml, so the user's own edits stay) with the tutorial's settings,
/// edited textually by `ValuesEditor` so every other key, comment and the `&domain` anchor
/// survive. Uploaded atomically with mode 0600 as a secret: the registry password never shows in
/// a plan or log.
public struct ValuesStep: StepType {
    public init() {}

    public let name = "tator.values"
    public let summary = "Write helm/tator/values.yaml (0600) from values-devExample.yaml with the site's settings"

    public let schema = ParameterSchema([
        CommonParameters.tatorDir,
        .init("domain", .string, required: true, description: "domain: the DuckDNS name, e.g. mysite.duckdns.org"),
        .init("dockerRegistry", .string, required: true, description: "dockerRegistry: host:port of the registry, e.g. master1:5000"),
        .init("systemImageRepo", .string, default: "", description: "systemImageRepo; empty: dockerRegistry"),
        .init("dockerUsername", .string, default: "", description: "dockerUsername (blank for the tutorial's registry)"),
        .init("dockerPassword", .string, default: "", description: "dockerPassword (a secret)", secret: true),
        CommonParameters.nfsServer, CommonParameters.nfsRole,
        .init("metallbRangeStart", .string, default: "", description: "metallb.ipRangeStart; empty: loadBalancerIp"),
        .init("metallbRangeStop", .string, default: "", description: "metallb.ipRangeStop; empty: loadBalancerIp"),
        .init("loadBalancerIp", .ip, required: true, description: "metallb.loadBalancerIp"),
        .init(
            "prometheusStorageClass", .string, default: TatorLayout.storageClass,
            description: "Storage class for Prometheus's claim instead of microk8s-hostpath (absent on kubeadm clusters); empty: leave it"),
    ])

    struct Files {
        var values: String
        var example: String
    }

    func files(_ p: Parameters) -> Files {
        let chart = p.string("tatorDir") + "/helm/tator"
        return Files(values: chart + "/values.yaml", example: chart + "/values-devExample.yaml")
    }

    func settings(_ p: Parameters) throws -> TatorValues {
        TatorValues(
            domain: try p.required("domain"), dockerRegistry: try p.required("dockerRegistry"),
            systemImageRepo: p.string("systemImageRepo"), dockerUsername: p.string("dockerUsername"),
            dockerPassword: p.string("dockerPassword"), nfsServer: try CommonParameters.nfsAddress(p),
            ipRangeStart: p.string("metallbRangeStart"), ipRangeStop: p.string("metallbRangeStop"),
            loadBalancerIp: try p.required("loadBalancerIp"), prometheusStorageClass: p.string("prometheusStorageClass"))
    }

    public func plan(_ invocation: StepInvocation) throws -> TaskPlan {
        let p = Parameters(invocation, schema)
        let files = files(p)
        let values = try settings(p)
        let shown =
            values.settings.map { path, value in
                "\(path.joined(separator: ".")): \(path == ["dockerPassword"] ? "<secret>" : value)"
            }
            + (values.prometheusStorageClass.isEmpty
                ? [] : ["\(TatorValues.prometheusStorageClassPath.joined(separator: ".")): \(values.prometheusStorageClass) (if present)"])
        let read = Command(
            "# rig reads \(files.values) (or, when it is missing, \(files.example)) and sets, keeping every other line:\n"
                + shown.map { "#   " + $0 }.joined(separator: "\n"),
            become: true, summary: "edit values.yaml in rig")
        let upload = FileUpload(
            path: files.values, text: "(values.yaml with the settings above; holds dockerPassword)\n",
            mode: 0o600, owner: "root", group: "root", become: true, secret: true)
        return TaskPlan(actions: [.run(read), .upload(upload)])
    }

    public func execute(_ invocation: StepInvocation, context: any TaskContext) throws -> TaskResult {
        let p = Parameters(invocation, schema)
        let files = files(p)
        let values = try settings(p)
        let state = try RemoteFiles.read([files.values, files.example], context: context)
        guard let base = state[0].content ?? state[1].content else {
            throw StepFailure.failed(
                "neither \(files.values) nor \(files.example) exists on \(invocation.host.name); "
                    + "is the Tator checkout at \(p.string("tatorDir"))? (tator.checkout makes it)")
        }
        let edited: String
        do {
            edited = try values.apply(to: base)
        } catch {
            throw StepFailure.failed("cannot edit \(state[0].content == nil ? files.example : files.values): \(error)")
        }
        if state[0].content == edited, state[0].mode == "600" {
            return TaskResult(status: .ok, message: "values.yaml already has these settings")
        }
        let upload = FileUpload(path: files.values, text: edited, mode: 0o600, owner: "root", group: "root", become: true, secret: true)
        var result = try context.run(TaskPlan(actions: [.upload(upload)]), invocation: invocation)
        result.status = .changed
        return result
    }
}
