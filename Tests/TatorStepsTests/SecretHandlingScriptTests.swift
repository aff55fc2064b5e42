import Foundation
import RigKit
import Testing

@testable import TatorSteps

/// The scripts that carry secrets, run by bash against stub tools on PATH that record their
/// command lines: the secret must reach the tool through stdin or a 0600 file, never argv.
@Suite struct SecretHandlingScriptTests {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rig-stubs-\(UUID().uuidString)")

    func stub(_ name: String, _ body: String) throws {
        let url = dir.appendingPathComponent("bin/\(name)")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "#!/bin/bash\n\(body)\n".write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
    }

    func run(_ script: String) throws -> (Int32, String) {
        try Bash.run(["env", "PATH=\(dir.path)/bin:/usr/bin:/bin", "RIG_STUBS=\(dir.path)", "bash", "-c", script])
    }

    @Test func theDuckDNSTokenGoesToCurlOnStdinNotOnItsCommandLine() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try stub(
            "curl", #"printf '%s\n' "$*" > "$RIG_STUBS/curl.argv"; cat > "$RIG_STUBS/curl.stdin"; printf 'OK\n192.168.1.240\n\nUPDATED'"#)
        try stub("getent", "exit 2")
        let token = "0123abcd-4567-89ef-0123-456789abcdef"
        let step = DuckDNSStep()
        let plan = try step.plan(
            Fixtures.invocation(
                "duckdns", step, host: "master1",
                with: [
                    "domain": .string("mysite.duckdns.org"), "loadBalancerIp": .string("192.168.1.240"), "token": .string(token),
                    "endpoint": .string("http://10.99.0.1/update"),
                ], mode: .execute))
        guard case .run(let command) = plan.actions.first else {
            Issue.record("no command")
            return
        }
        let (status, output) = try run(command.script)
        #expect(status == 0, "\(output)")
        let argv = try String(contentsOf: dir.appendingPathComponent("curl.argv"), encoding: .utf8)
        let stdin = try String(contentsOf: dir.appendingPathComponent("curl.stdin"), encoding: .utf8)
        #expect(!argv.contains(token))
        #expect(argv.contains("-K -"))
        #expect(stdin == "url = \"http://10.99.0.1/update?domains=mysite&token=\(token)&ip=192.168.1.240&verbose=true\"\n")
        #expect(!output.contains(token))
        #expect(output.contains("does not resolve"))
    }

    @Test func duckDNSFailsClearlyOnKOAndOnAMalformedToken() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try stub("curl", "cat >/dev/null; printf KO")
        try stub("getent", "exit 2")
        let step = DuckDNSStep()
        func script(_ token: String) throws -> String {
            let plan = try step.plan(
                Fixtures.invocation(
                    "duckdns", step, host: "master1",
                    with: [
                        "domain": .string("mysite.duckdns.org"), "loadBalancerIp": .string("192.168.1.240"), "token": .string(token),
                    ], mode: .execute))
            guard case .run(let command) = plan.actions.first else { return "exit 99" }
            return command.script
        }
        let (status, output) = try run(try script("0123abcd"))
        #expect(status == 1 && output.contains("DuckDNS answered KO"))
        let (badStatus, badOutput) = try run(try script("abc\"; touch /tmp/x; echo \""))
        #expect(badStatus == 1 && badOutput.contains("unexpected characters"))
        #expect(
            try step.plan(
                Fixtures.invocation(
                    "duckdns", step, host: "master1",
                    with: [
                        "domain": .string("mysite.duckdns.org"), "loadBalancerIp": .string("192.168.1.240"), "token": .string(""),
                    ], mode: .execute)
            ).actions.isEmpty)
    }

    @Test func theJoinTokenReachesKubeadmInA0600ConfigFileThatIsRemovedAfterwards() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try stub(
            "kubeadm",
            #"""
            printf '%s\n' "$*" > "$RIG_STUBS/kubeadm.argv"
            [ "$1 $2" = "join --config" ] || exit 3
            stat -c %a "$3" > "$RIG_STUBS/kubeadm.mode"
            cp "$3" "$RIG_STUBS/kubeadm.config"
            echo "$3" > "$RIG_STUBS/kubeadm.path"
            """#)
        let token = "abcdef.0123456789abcdef"
        let hash = "sha256:" + String(repeating: "ab", count: 32)
        let join = try #require(JoinCommand("kubeadm join 192.168.1.10:6443 --token \(token) --discovery-token-ca-cert-hash \(hash)"))
        let parts = try JoinStep().parts(Fixtures.invocation("join", JoinStep(), host: "worker1", with: [:], mode: .execute))
        let script = parts.join(join).script.replacingOccurrences(of: "/etc/kubernetes/kubelet.conf", with: dir.path + "/kubelet.conf")
            .replacingOccurrences(of: "mktemp /root/", with: "mktemp \(dir.path)/")
        let (status, output) = try run(script)
        #expect(status == 0, "\(output)")
        let argv = try String(contentsOf: dir.appendingPathComponent("kubeadm.argv"), encoding: .utf8)
        #expect(!argv.contains(token))
        #expect(try String(contentsOf: dir.appendingPathComponent("kubeadm.mode"), encoding: .utf8) == "600\n")
        let config = try String(contentsOf: dir.appendingPathComponent("kubeadm.config"), encoding: .utf8)
        #expect(config.contains("token: \"\(token)\"") && config.contains("- \"\(hash)\"") && config.contains("name: \"worker1\""))
        let path = try String(contentsOf: dir.appendingPathComponent("kubeadm.path"), encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        #expect(!FileManager.default.fileExists(atPath: path), "the config with the token was left behind")
    }
}
