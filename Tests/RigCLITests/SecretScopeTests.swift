import Foundation
import Testing

/// Secrets reach only the steps that ask for them, are masked in their usual disguises, leave no
/// output file outside the state folder when rig is killed, and a short secret that happens to
/// occur in a workflow file does not block runs.
@Suite struct SecretScopeTests {
    static let secrets = ["RIG_SECRET_used": "used-value-4711", "RIG_SECRET_unused": "unused-value-0815"]

    static func variables(_ text: String, prefix: String = "RIG_SECRET_") -> [String] {
        text.split(separator: "\n").filter { $0.hasPrefix(prefix) }.map(String.init).sorted()
    }

    @Test func aStepSeesOnlyTheSecretsItReferences() {
        let dir = TestFolder()
        dir.write(
            "w.yaml",
            """
            name: scoped
            secrets: [used, unused]
            steps:
              - id: uses
                type: shell
                on: local
                with:
                  run: |
                    test -n ${{ secrets.used | shell }}
                    env > uses.env
              - id: plain
                type: shell
                on: local
                with:
                  run: env > plain.env
              - id: direct
                type: shell
                on: local
                with:
                  run: env

            """)
        let result = RigProcess.run(["run", "w.yaml"], in: dir.path, environment: Self.secrets)
        #expect(result.status == 0, "\(result.output)")
        #expect(Self.variables(dir.read("uses.env")) == ["RIG_SECRET_used=used-value-4711"])
        #expect(Self.variables(dir.read("plain.env")).isEmpty, "\(Self.variables(dir.read("plain.env")))")
        let log = dir.files(under: ".rig").first { $0.hasSuffix("direct@local.log") }.map {
            dir.read(String($0.dropFirst(dir.path.count + 1)))
        }
        #expect(log?.contains("PATH=") == true, "the direct step ran: \(log ?? "no log")")
        #expect(log?.contains("RIG_SECRET_") == false, "\(log ?? "")")
        print("env of a step using no secret: \(dir.read("plain.env").split(separator: "\n").count) variables")
    }

    @Test func sshAndWhatItStartsNeverSeeRigsSecrets() {
        let dir = TestFolder()
        dir.write("ssh_config", "Host *\n  ProxyCommand sh -c 'env > \(dir.file("proxy.env")); exit 1'\n")
        dir.write(
            "w.yaml",
            """
            name: proxied
            secrets: [used]
            hosts:
              - {name: far, address: 192.0.2.10, user: deploy}
            steps:
              - id: remote
                type: shell
                on: far
                with:
                  run: echo ${{ secrets.used | shell }}

            """)
        let result = RigProcess.run(["run", "w.yaml", "--ssh-config", "ssh_config"], in: dir.path, environment: Self.secrets)
        #expect(result.status != 0)
        #expect(dir.read("proxy.env").contains("PATH="), "the ProxyCommand ran: \(result.output)")
        #expect(Self.variables(dir.read("proxy.env")).isEmpty, "\(Self.variables(dir.read("proxy.env")))")
    }

    static let key = """
        -----BEGIN TEST PRIVATE KEY-----
        MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu
        KUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQJAIJLixBy2qpFoS4DSmoEm
        -----END TEST PRIVATE KEY-----
        """

    @Test func aMultiLineSecretIsMaskedLineByLineWithSpacesAndInBase64() {
        let dir = TestFolder()
        dir.write(
            "w.yaml",
            """
            name: pem
            secrets: [key]
            steps:
              - id: leak
                type: shell
                on: local
                with:
                  run: |
                    printf '%s\\n' ${{ secrets.key | shell }} | sed -n 2p
                    printf '%s' ${{ secrets.key | shell }} | tr '\\n' ' '; echo
                    printf '%s' ${{ secrets.key | shell }} | base64 -w0; echo
                    echo ${{ secrets.key | shell }} | base64 -w0; echo
                    exit 1

            """)
        let result = RigProcess.run(["run", "w.yaml"], in: dir.path, environment: ["RIG_SECRET_key": Self.key])
        #expect(result.status == 1, "\(result.output)")
        let lines = Self.key.split(separator: "\n").map(String.init)
        let forms = [
            lines[1], lines[2], Self.key.replacingOccurrences(of: "\n", with: " "),
            Data(Self.key.utf8).base64EncodedString(), Data((Self.key + "\n").utf8).base64EncodedString(),
        ]
        let logs = dir.files(under: ".rig").filter { $0.hasSuffix("leak@local.log") }
        #expect(logs.count == 1)
        let log = logs.first.map { (try? String(contentsOfFile: $0, encoding: .utf8)) ?? "" } ?? ""
        #expect(log.components(separatedBy: "***").count >= 5, "\(log)")
        #expect(result.output.contains("***"), "the failure quotes the masked lines: \(result.output)")
        for (n, form) in forms.enumerated() {
            #expect(!log.contains(form), "form \(n) in the log: \(log)")
            #expect(!result.output.contains(form), "form \(n) in rig's output: \(result.output)")
        }
    }

    @Test func aSecretOutputFileLeftByAKilledRunIsInThePrivateStateFolderAndResumeRemovesIt() throws {
        let dir = TestFolder()
        dir.write(
            "w.yaml",
            """
            name: killed
            steps:
              - id: init
                type: shell
                on: local
                outputs:
                  token: {secret: true}
                with:
                  run: |
                    test -e wrote && exit 0
                    echo "token=TOKEN-$((40000 + 2))" >> "$RIG_OUTPUT"
                    touch wrote
                    exec sleep 60

            """)
        let child = RigProcess.Child(["run", "w.yaml"], in: dir.path)
        var polls = 0
        while !FileManager.default.fileExists(atPath: dir.file("wrote")), child.isRunning, polls < 2000 {
            usleep(10_000)
            polls += 1
        }
        #expect(FileManager.default.fileExists(atPath: dir.file("wrote")))
        let shmBefore = Set((try? FileManager.default.contentsOfDirectory(atPath: "/dev/shm")) ?? [])
        kill(child.pid, SIGKILL)
        _ = child.wait()

        let inShm = shmBefore.filter { $0.hasPrefix("rig-\(child.pid)-") }
        #expect(inShm.isEmpty, "output files left in /dev/shm: \(inShm)")
        for name in inShm { unlink("/dev/shm/" + name) }
        let outputs = dir.file(".rig/outputs")
        var info = stat()
        #expect(stat(outputs, &info) == 0 && info.st_mode & 0o777 == 0o700, "mode \(String(info.st_mode & 0o777, radix: 8))")
        let leftovers = dir.files(under: ".rig/outputs")
        #expect(leftovers.count == 1, "\(leftovers)")
        #expect(leftovers.allSatisfy { dir.read(String($0.dropFirst(dir.path.count + 1))).contains("token=TOKEN-40002") })

        let resumed = RigProcess.run(["resume"], in: dir.path)
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(dir.files(under: ".rig/outputs").isEmpty, "\(dir.files(under: ".rig/outputs"))")
        for file in dir.files(under: ".rig") {
            #expect(!dir.bytes(String(file.dropFirst(dir.path.count + 1))).contains(Array("TOKEN-40002".utf8)), "\(file)")
        }
    }

    static func inventoryWorkflow(run: String) -> String {
        """
        name: short-secret
        secrets: [sudo_password]
        hosts:
          - {name: web, address: 192.0.2.10, user: ubuntu, become: {password_secret: sudo_password}}
        steps:
          - id: hello
            type: shell
            on: local
            with:
              run: \(run)

        """
    }

    @Test func aShortSecretThatOccursInAWorkflowFileDoesNotBlockTheRun() {
        let dir = TestFolder()
        dir.write("w.yaml", Self.inventoryWorkflow(run: "echo hi > hello.txt"))
        let result = RigProcess.run(["run", "w.yaml"], in: dir.path, environment: ["RIG_SECRET_sudo_password": "ubuntu"])
        #expect(result.status == 0, "\(result.output)")
        #expect(dir.read("hello.txt") == "hi\n")
    }

    @Test func aLongSecretInAStepIsRefusedWithItsPlaceButNeitherItsValueNorItsName() {
        let dir = TestFolder()
        let value = "Xy7-s3cret-9"
        dir.write("w.yaml", Self.inventoryWorkflow(run: "echo \(value) > hello.txt"))
        let result = RigProcess.run(["run", "w.yaml"], in: dir.path, environment: ["RIG_SECRET_sudo_password": value])
        #expect(result.status == 2, "\(result.output)")
        #expect(result.stderr.contains("w.yaml:10"), "\(result.output)")
        #expect(!result.output.contains(value) && !result.output.contains("s3cret"), "\(result.output)")
        #expect(!result.output.contains("sudo_password"), "naming the secret confirms which value it is: \(result.output)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("hello.txt")), "a step ran")
    }
}
