import Foundation
import RigModel
import Testing

@testable import RigKit

/// A task's log keeps the head and the tail of its output within a cap, with a marker between.
@Suite struct TaskLogCapTests {
    typealias F = EngineFixtures
    static let cap = 64 << 10

    /// 1,000,000 bytes: "line 000001\n" ... "line 083333\n" and a last "line last\n".
    static func output() -> [String] {
        (1...83_333).map { String(format: "line %06d\n", $0) } + ["line last\n"]
    }

    static func marker(in log: String) -> (dropped: Int, line: String)? {
        guard let line = log.split(separator: "\n").first(where: { $0.hasPrefix("# rig: ") }) else { return nil }
        return (Int(line.dropFirst(7).prefix { $0.isNumber }) ?? -1, String(line))
    }

    @Test func aLogPastItsCapKeepsItsFirstAndLastLinesAndSaysHowMuchWasDropped() throws {
        let path = F.scratch() + "/task.log"
        let lines = Self.output()
        let total = lines.reduce(0) { $0 + $1.utf8.count }
        do {
            let log = try FileTaskLog(path: path, maxBytes: Self.cap)
            for line in lines { log.write(line) }
        }
        let text = F.read(path)
        let marker = try #require(Self.marker(in: text))
        #expect(text.utf8.count <= Self.cap + marker.line.utf8.count + 1)
        #expect(text.hasPrefix("line 000001\nline 000002\n"))
        #expect(text.hasSuffix("line 083333\nline last\n"))
        #expect(marker.line.contains("bytes of output dropped here"))
        #expect(text.utf8.count - marker.line.utf8.count - 1 + marker.dropped == total)
        // Whole lines on both sides of the marker.
        let all = text.split(separator: "\n")
        let at = try #require(all.firstIndex { $0.hasPrefix("# rig: ") })
        #expect(all[at - 1].count == 11 && all[at + 1].count == 11)
    }

    @Test func aRetryAppendsUnderTheSameCapAndOneMarkerCountsEverythingDropped() throws {
        let path = F.scratch() + "/task.log"
        let lines = Self.output()
        for _ in 0..<2 {
            let log = try FileTaskLog(path: path, maxBytes: Self.cap)
            for line in lines { log.write(line) }
        }
        let text = F.read(path)
        let marker = try #require(Self.marker(in: text))
        #expect(text.components(separatedBy: "# rig: ").count == 2)
        #expect(text.utf8.count <= Self.cap + marker.line.utf8.count + 1)
        #expect(text.hasPrefix("line 000001\n") && text.hasSuffix("line 083333\nline last\n"))
        #expect(text.utf8.count - marker.line.utf8.count - 1 + marker.dropped == 2 * lines.reduce(0) { $0 + $1.utf8.count })
    }

    @Test func secretsAreMaskedBeforeTheCapCutsTheLog() throws {
        let path = F.scratch() + "/task.log"
        do {
            let log = try FileTaskLog(path: path, redactions: ["hunter2-secret"], maxBytes: Self.cap)
            log.write("head hunter2-secret\n")
            for line in Self.output() { log.write(line) }
            log.write("tail hunter2-secret\n")
        }
        let text = F.read(path)
        #expect(!text.contains("hunter2"))
        #expect(text.hasPrefix("head ***\n") && text.hasSuffix("tail ***\n"))
    }

    @Test func aStepPrintingAMegabyteToStderrLeavesALogWithinTheCap() throws {
        let logs = F.scratch()
        let workflow = Workflow(
            name: "w", steps: [F.shell("loud", "echo first; seq -f 'line %06g' 1 83333 >&2; echo last")])
        let executor = Executor(
            graph: try F.graph(workflow), workflow: workflow, registry: .builtIns,
            transports: LocalTransportProvider(killGracePeriod: .seconds(1)),
            preparer: LiteralTaskPreparer(inventory: workflow.inventory),
            options: ExecutionOptions(logDirectory: logs, maxLogBytes: Self.cap), observers: [])
        let summary = executor.run()
        #expect(summary.status == .succeeded)
        let text = F.read(Executor.logPath(for: TaskID(step: "loud", host: "local"), in: logs))
        let marker = try #require(Self.marker(in: text))
        #expect(text.utf8.count <= Self.cap + marker.line.utf8.count + 1)
        #expect(text.contains("first\nline 000001\n"))
        #expect(text.hasSuffix("line 083333\nlast\n"))
        #expect(marker.dropped > 900_000)
    }

    /// The case from the report: a plugin writing 100 MB to stderr, under the default cap.
    @Test func aPluginsHundredMegabytesOfStderrLeaveA64MiBLog() throws {
        let project = PluginProtocolTests.Project()
        project.plugin(
            "acme.loud",
            apply:
                #"echo first >&2; head -c 100000000 /dev/zero | tr '\0' x >&2; echo >&2; echo last >&2; echo '{"protocol": 1, "status": "changed"}'"#
        )
        let (summary, logs) = try project.run("steps:\n  - id: x\n    type: acme.loud\n")
        #expect(summary.status == .succeeded)
        let path = Executor.logPath(for: TaskID(step: "x", host: "local"), in: logs)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(size > FileTaskLog.defaultMaxBytes && size < FileTaskLog.defaultMaxBytes + 200)
        let handle = try #require(FileHandle(forReadingAtPath: path))
        defer { try? handle.close() }
        #expect(String(decoding: handle.readData(ofLength: 300), as: UTF8.self).contains("\nfirst\nxxx"))
        try handle.seek(toOffset: UInt64(size - 5))
        #expect(String(decoding: handle.readDataToEndOfFile(), as: UTF8.self) == "last\n")
    }

    @Test func theDefaultCapIs64MiB() throws {
        #expect(FileTaskLog.defaultMaxBytes == 64 << 20)
        #expect(ExecutionOptions(logDirectory: "/tmp").maxLogBytes == 64 << 20)
    }
}
