import Foundation
import RigKit
import Testing

@testable import TatorSteps

/// `plan()` of every step on every host of the 3-node inventory, in display mode, against the
/// files in Goldens/. Set RIG_UPDATE_GOLDENS=1 to rewrite them after an intended change.
@Suite struct PlanGoldenTests {
    static let goldens = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Goldens")

    static func render(profile: String) throws -> [(name: String, text: String, plan: TaskPlan)] {
        try Fixtures.steps(profile: profile).flatMap { step in
            try step.hosts.map { host in
                let plan = try step.type.plan(Fixtures.invocation(step.id, step.type, host: host, with: step.with))
                return (
                    "\(profile)/\(step.id)@\(host).txt", "# \(step.type.name) on \(host) (profile \(profile))\n" + PlanText.render(plan),
                    plan
                )
            }
        }
    }

    @Test(arguments: ["current", "tutorial"])
    func plansMatchTheGoldenFiles(profile: String) throws {
        let update = ProcessInfo.processInfo.environment["RIG_UPDATE_GOLDENS"] == "1"
        for (name, text, _) in try Self.render(profile: profile) {
            let url = Self.goldens.appendingPathComponent(name)
            if update {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try text.write(to: url, atomically: true, encoding: .utf8)
                continue
            }
            let golden = try? String(contentsOf: url, encoding: .utf8)
            #expect(golden == text, "plan \(name) differs from its golden file; rerun with RIG_UPDATE_GOLDENS=1 if intended")
        }
    }

    @Test(arguments: ["current", "tutorial"])
    func noPlanShowsASecretValue(profile: String) throws {
        for (name, text, _) in try Self.render(profile: profile) {
            #expect(!text.contains(Fixtures.dockerPassword), "\(name) shows the registry password")
        }
        let files = try FileManager.default.subpathsOfDirectory(atPath: Self.goldens.path)
        for file in files where file.hasSuffix(".txt") {
            let text = try String(contentsOf: Self.goldens.appendingPathComponent(file), encoding: .utf8)
            #expect(!text.contains(Fixtures.dockerPassword), "golden \(file) holds a secret")
            #expect(
                text.firstMatch(of: /(^|[^a-z0-9])[a-z0-9]{6}\.[a-z0-9]{16}([^a-z0-9]|$)/) == nil,
                "golden \(file) holds something shaped like a join token")
        }
    }

    @Test(arguments: ["current", "tutorial"])
    func everyScriptIsValidBash(profile: String) throws {
        for (name, _, plan) in try Self.render(profile: profile) {
            for script in PlanText.scripts(plan) {
                let (status, errors) = try Bash.syntaxCheck(script)
                #expect(status == 0, "\(name): bash -n says: \(errors)")
            }
        }
    }

    @Test func everyStepTypeIsRegisteredWithADocumentedSchema() {
        var registry = StepTypeRegistry()
        TatorSteps.register(into: &registry)
        #expect(
            registry.names == [
                "tator.argo", "tator.build", "tator.chart-dependencies", "tator.checkout", "tator.duckdns", "tator.join", "tator.label",
                "tator.master-init", "tator.nfs-provisioner", "tator.nfs-server", "tator.preflight",
                "tator.prerequisites", "tator.values",
            ])
        for entry in registry.allEntries {
            #expect(entry.origin == .builtIn)
            #expect(!entry.type.summary.isEmpty)
            for parameter in entry.type.schema.parameters {
                #expect(!parameter.description.isEmpty, "\(entry.type.name).\(parameter.name) has no description")
            }
        }
        #expect(ValuesStep().schema.parameter("dockerPassword")?.secret == true)
        #expect(DuckDNSStep().schema.parameter("token")?.secret == true)
    }
}

enum Bash {
    static func syntaxCheck(_ script: String) throws -> (Int32, String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rig-syntax-\(UUID().uuidString).sh")
        try script.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        return try run(["bash", "-n", file.path])
    }

    static func run(_ arguments: [String], input: String? = nil) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = errors
        if let input {
            let pipe = Pipe()
            process.standardInput = pipe
            try process.run()
            pipe.fileHandleForWriting.write(Data(input.utf8))
            try pipe.fileHandleForWriting.close()
        } else {
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
