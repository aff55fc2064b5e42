import Foundation
import RigKit
import RigModel
import RigSSH
import Testing

/// A step that holds a secret, run through the engine over SSH: the value reaches the host, but
/// never any command line on either side (both are on this machine, so one /proc shows both),
/// nor the task log.
@Suite("Secrets over SSH")
struct SSHSecretTests {
    @Test func aSecretInAStepNeverShowsInPsOnEitherSideNorInTheLog() throws {
        let token = "tok-\(UInt64.random(in: .min ... .max))-$(id) 'q' \"dq\""
        let bed = try EngineTestBed(servers: 2, secrets: ["token": token])
        let dir = bed.directory
        let (workflow, graph) = try bed.load(
            """
            name: secret-holder
            secrets: [token]
            steps:
              - id: use-token
                type: shell
                on: workers
                with:
                  env: {TOKEN_FROM_ENV: "${{ secrets.token }}"}
                  run: |
                    printf '%s' ${{ secrets.token | shell }} > \(dir)/inline.${{ host.name }}
                    printf '%s' "$TOKEN_FROM_ENV" > \(dir)/env.${{ host.name }}
                    echo "the token is $TOKEN_FROM_ENV"
                    touch \(dir)/holding.${{ host.name }}
                    for i in $(seq 600); do [ -e \(dir)/release ] && exit 0; sleep 0.05; done
                    exit 1
            """)
        let running = bed.start(workflow, graph)
        let sampler = CommandLineSampler(looking: [token, "tok-"])
        #expect(
            eventually {
                FileManager.default.fileExists(atPath: bed.path("holding.host1"))
                    && FileManager.default.fileExists(atPath: bed.path("holding.host2"))
            })
        // Sample while both tasks hold the secret.
        #expect(eventually { sampler.sampleCount >= 20 })
        try Data().write(to: URL(fileURLWithPath: bed.path("release")))
        let summary = try running.wait()
        let leaks = sampler.stop()

        #expect(summary.status == .succeeded, "\(summary.outcomes)")
        #expect(leaks.isEmpty, "the secret showed on a command line: \(leaks)")
        for host in ["host1", "host2"] {
            #expect(bed.read("inline.\(host)") == token)
            #expect(bed.read("env.\(host)") == token)
            let log = running.log(TaskID(step: "use-token", host: host))
            #expect(log.contains("the token is "))
            #expect(!log.contains("tok-"), "\(log)")
        }
    }

    @Test func aRemoteStepSeesOnlyTheSecretsItReferences() throws {
        let bed = try EngineTestBed(servers: 1, secrets: ["used": "used-value-4711", "unused": "unused-value-0815"])
        let dir = bed.directory
        let (workflow, graph) = try bed.load(
            """
            name: scoped
            secrets: [used, unused]
            steps:
              - id: uses
                type: shell
                on: workers
                with:
                  run: |
                    test -n ${{ secrets.used | shell }}
                    env > \(dir)/uses.env
              - id: plain
                type: shell
                on: workers
                with:
                  run: env > \(dir)/plain.env
            """)
        let (summary, _) = try bed.run(workflow, graph)
        #expect(summary.status == .succeeded, "\(summary.outcomes)")
        func secrets(_ name: String) -> [String] {
            bed.read(name).split(separator: "\n").filter { $0.hasPrefix("RIG_SECRET_") }.map(String.init)
        }
        #expect(bed.read("plain.env").contains("PATH="))
        #expect(secrets("uses.env") == ["RIG_SECRET_used=used-value-4711"])
        #expect(secrets("plain.env").isEmpty)
    }
}
