import Foundation
import RigKit
import Testing

@testable import TatorSteps

@Suite struct JoinExecuteTests {
    static let token = "abcdef.0123456789abcdef"
    static let hash = "sha256:" + String(repeating: "9f", count: 32)
    static let joinLine = "kubeadm join 192.168.1.10:6443 --token \(token) --discovery-token-ca-cert-hash \(hash) "

    func context(alreadyJoined: Bool) -> FakeContext {
        FakeContext(taskHost: "worker1") { host, script in
            switch host {
            case "master1" where script.contains("rig_node_known worker1"):
                return .init(exitCode: alreadyJoined ? 0 : 1)
            case "master1" where script.contains("kubeadm token create"):
                return .init(outputs: ["join": Self.joinLine], printed: "W1125 some kubeadm warning\n")
            case "master1":
                return .init(printed: "worker1 Ready\n")
            default:
                // kubeadm join echoing the token, as some versions do in errors.
                return .init(printed: "[preflight] Running pre-flight checks with token \(Self.token)\n")
            }
        }
    }

    @Test func joinsWithAFreshTokenThatNeverReachesTheLogOrOutputs() throws {
        let ctx = context(alreadyJoined: false)
        let step = JoinStep()
        let result = try step.execute(
            Fixtures.invocation("join", step, host: "worker1", with: ["profile": .string("current")], mode: .execute),
            context: ctx)
        #expect(result.status == .changed)
        #expect(!result.outputs.values.contains { $0.contains(Self.token) })
        #expect(!(result.message ?? "").contains(Self.token))
        #expect(!ctx.recorder.written.contains(Self.token))
        #expect(ctx.recorder.written.contains("<redacted>"))
        #expect(ctx.ran.map(\.host) == ["master1", "master1", "worker1", "master1"])
        let join = ctx.ran[2].command
        #expect(join.become && join.delegateTo == nil)
        // The token is only in the here-document that becomes the 0600 config file.
        let lines = join.script.split(separator: "\n")
        #expect(lines.filter { $0.contains(Self.token) } == ["    token: \"\(Self.token)\""])
        #expect(lines.contains("kubeadm join --config \"$config\""))
        #expect(join.script.contains("apiServerEndpoint: \"192.168.1.10:6443\""))
        #expect(join.script.contains("umask 077"))
        for ran in ctx.ran where ran.host == "master1" { #expect(!ran.command.script.contains(Self.token)) }
    }

    @Test func skipsANodeTheMasterAlreadyListsAndOnlyWaitsForReady() throws {
        let ctx = context(alreadyJoined: true)
        let step = JoinStep()
        let result = try step.execute(Fixtures.invocation("join", step, host: "worker1", with: [:], mode: .execute), context: ctx)
        #expect(result.status == .ok)
        #expect(ctx.ran.count == 2)
        #expect(!ctx.ran.contains { $0.command.script.contains("kubeadm token create") || $0.host == "worker1" })
    }

    @Test func failsClearlyWhenTheMasterGivesNoJoinCommand() {
        let ctx = FakeContext(taskHost: "worker2") { host, script in
            script.contains("rig_node_known") ? .init(exitCode: 1) : .init(outputs: ["join": "garbage"])
        }
        let step = JoinStep()
        #expect(throws: StepFailure.self) {
            try step.execute(Fixtures.invocation("join", step, host: "worker2", with: [:], mode: .execute), context: ctx)
        }
        #expect(!ctx.ran.contains { $0.host == "worker2" })
    }

    @Test func theJoinConfigurationIsTheKubeadmShape() throws {
        let join = try #require(JoinCommand(Self.joinLine))
        let tree = try YAMLTree.parse(
            join.configuration(
                apiVersion: "kubeadm.k8s.io/v1beta3", nodeName: "worker1", nodeIP: "192.168.1.11",
                criSocket: "unix:///var/run/containerd/containerd.sock"))
        #expect(tree[["kind"]]?.string == "JoinConfiguration")
        #expect(tree[["discovery", "bootstrapToken", "apiServerEndpoint"]]?.string == "192.168.1.10:6443")
        #expect(tree[["discovery", "bootstrapToken", "token"]]?.string == Self.token)
        #expect(tree[["discovery", "bootstrapToken", "caCertHashes"]] == .list([.scalar(Self.hash, tag: "tag:yaml.org,2002:str")]))
        #expect(tree[["nodeRegistration", "name"]]?.string == "worker1")
        #expect(tree[["nodeRegistration", "criSocket"]]?.string == "unix:///var/run/containerd/containerd.sock")
        #expect(tree[["nodeRegistration", "kubeletExtraArgs", "node-ip"]]?.string == "192.168.1.11")
    }

    @Test func parsesJoinCommandsAndRejectsMalformedOnes() {
        let parsed = JoinCommand("some banner\n" + Self.joinLine + "\n")
        #expect(parsed?.endpoint == "192.168.1.10:6443")
        #expect(parsed?.token == Self.token)
        #expect(parsed?.caCertHashes == [Self.hash])
        #expect(parsed.map { "\($0)" }?.contains(Self.token) == false)
        #expect(
            JoinCommand("kubeadm join 10.0.0.1:6443 --token=\(Self.token) --discovery-token-ca-cert-hash=\(Self.hash)")?.token == Self.token
        )
        #expect(JoinCommand("kubeadm join 10.0.0.1:6443 --token short --discovery-token-ca-cert-hash \(Self.hash)") == nil)
        #expect(JoinCommand("kubeadm join 10.0.0.1:6443 --token \(Self.token)") == nil)
        #expect(JoinCommand("kubeadm join $(reboot) --token \(Self.token) --discovery-token-ca-cert-hash \(Self.hash)") == nil)
        #expect(JoinCommand("") == nil)
    }
}

@Suite struct EditingStepsExecuteTests {
    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    @Test func valuesStepWritesA0600SecretUploadFromTheExampleAndIsOkOnTheSecondRun() throws {
        let example = try ReferenceFiles.text("tator-values-devExample-0.1.0.yaml")
        let step = ValuesStep()
        let with = Fixtures.steps().first { $0.id == "values" }!.with
        let first = FakeContext(taskHost: "master1") { _, _ in .init(outputs: ["file1": Self.base64(example), "mode1": "644"]) }
        let result = try step.execute(Fixtures.invocation("values", step, host: "master1", with: with, mode: .execute), context: first)
        #expect(result.status == .changed)
        #expect(first.uploads.count == 1)
        let upload = try #require(first.uploads.first).file
        #expect(upload.path == "/opt/tator/helm/tator/values.yaml")
        #expect(upload.mode == 0o600 && upload.secret && upload.become)
        let written = String(decoding: upload.content, as: UTF8.self)
        #expect(written.contains("dockerPassword: \"\(Fixtures.dockerPassword)\""))
        #expect(written.contains("domain: &domain mysite.duckdns.org"))
        #expect(!first.recorder.written.contains(Fixtures.dockerPassword))
        #expect(!first.ran.contains { $0.command.script.contains(Fixtures.dockerPassword) })

        let second = FakeContext(taskHost: "master1") { _, _ in
            .init(outputs: ["file0": Self.base64(written), "mode0": "600", "file1": Self.base64(example), "mode1": "644"])
        }
        let again = try step.execute(Fixtures.invocation("values", step, host: "master1", with: with, mode: .execute), context: second)
        #expect(again.status == .ok)
        #expect(second.uploads.isEmpty)
    }

    @Test func valuesStepExplainsAMissingCheckout() {
        let step = ValuesStep()
        let with = Fixtures.steps().first { $0.id == "values" }!.with
        let ctx = FakeContext(taskHost: "master1") { _, _ in .init() }
        #expect(throws: StepFailure.self) {
            try step.execute(Fixtures.invocation("values", step, host: "master1", with: with, mode: .execute), context: ctx)
        }
    }

    @Test func nfsServerUploadsTheEditedExportsKeepingTheHostsOtherLines() throws {
        let current =
            "# my exports\n/srv/backup 10.9.9.9(ro)\n/media/kubernetes_share 127.0.0.1/255.255.255.255(rw,async,no_subtree_check)\n"
        let step = NFSServerStep()
        let ctx = FakeContext(taskHost: "master1") { _, script in
            if script.contains("base64 -w0") { return .init(outputs: ["file0": Self.base64(current)]) }
            if script.contains("is the NFS share exported") || script.hasPrefix("set -uo pipefail") { return .init(exitCode: 1) }
            return .init()
        }
        let with = Fixtures.steps().first { $0.id == "nfs-server" }!.with
        let result = try step.execute(Fixtures.invocation("nfs-server", step, host: "master1", with: with, mode: .execute), context: ctx)
        #expect(result.status == .changed)
        let upload = try #require(ctx.uploads.first).file
        #expect(upload.path == "/etc/exports" && upload.mode == 0o644)
        #expect(
            String(decoding: upload.content, as: UTF8.self) == """
                # my exports
                /srv/backup 10.9.9.9(ro)
                /media/kubernetes_share 192.168.1.0/24(rw,async,no_subtree_check)
                /media/kubernetes_share/scratch 192.168.1.0/24(rw,async,no_subtree_check)

                """)
        // Every node checks it can see the exports.
        #expect(
            Set(ctx.ran.filter { $0.command.script.contains("showmount -e 192.168.1.10") }.map(\.host)) == [
                "master1", "worker1", "worker2",
            ])
    }
}
