import Foundation
import OrderedCollections
import RigModel

@testable import RigKit

/// A fresh folder under /tmp, removed when the value is released.
final class ScratchDirectory: @unchecked Sendable {
    let path: String

    init(_ label: String = "rig-state") {
        var template = Array("/tmp/\(label)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        path = String(cString: made!)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ text: String) {
        _ = FileManager.default.createFile(atPath: file(name), contents: Data(text.utf8))
    }

    /// Every regular file below the folder.
    func allFiles() -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: path) else { return [] }
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let full = file(relative)
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(full)
            }
        }
        return files.sorted()
    }
}

func readBytes(_ path: String) -> [UInt8] { (try? PosixFile.read(path)) ?? [] }

func writeBytes(_ path: String, _ bytes: [UInt8]) {
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
}

func task(_ step: String, _ host: String = "local") -> TaskID { TaskID(step: step, host: host) }

/// A definition for tests: a `shell` step with one `run` parameter on `host`.
func definition(
    _ step: String, host: String = "local", run: String? = nil, needs: [TaskID] = [], address: String = "127.0.0.1",
    unless: String? = nil, outputs: OrderedDictionary<String, Bool> = [:]
) -> TaskDefinition {
    TaskDefinition(
        task: TaskID(step: step, host: host), stepType: "shell", parameters: ["run": .string(run ?? "echo \(step)")],
        host: .init(name: host, address: address, connection: host == "local" ? .local : .ssh),
        guardCommand: unless, outputs: outputs, needs: needs)
}

/// A record with every optional field set.
func fullRecord(_ n: Int) -> JournalRecord {
    let fp = definition("step\(n)").fingerprint(upstream: [:])
    return JournalRecord(
        .succeeded, task: task("step\(n)", "host-\(n % 3)"), timeMicros: 1_764_000_000_000_000 + Int64(n), attempt: n % 4,
        processGroup: Int32(1000 + n), processStartTicks: UInt64(n * 7), exitCode: Int32(-n), message: "message \(n) ✓",
        logPath: "/tmp/logs/step\(n).log", fingerprint: fp,
        outputs: [.init(name: "a", value: "value \(n)"), .init(name: "secret", value: nil)], durationMicros: Int64(n * 1000),
        status: n.isMultiple(of: 2) ? .ok : .changed, skipKind: .conditionFalse, runID: "run-\(n)", bootID: "boot",
        pid: Int32(n))
}

/// Writes `records` to a new journal at `path` and returns the file's bytes.
@discardableResult
func writeJournal(_ path: String, _ records: [JournalRecord]) throws -> [UInt8] {
    let writer = try JournalWriter.create(at: path)
    try writer.append(contentsOf: records, durability: .durable)
    try writer.close()
    return readBytes(path)
}

/// Byte offsets where each record's frame starts, and the file's end.
func frameOffsets(_ bytes: [UInt8]) -> [Int] {
    var offsets: [Int] = []
    var offset = JournalFormat.headerSize
    while case .valid(_, let next) = JournalFormat.checkFrame(bytes, at: offset) {
        offsets.append(offset)
        offset = next
    }
    return offsets + [offset]
}

/// Tasks and step-level needs, as the engine's task graph expands them: one task per target
/// host; every task of a step needs every task of each step it needs.
func expandTasks(_ workflow: Workflow) -> (tasks: [TaskID], needs: (TaskID) -> [TaskID]) {
    var tasks: [TaskID] = []
    var byStep: [String: [TaskID]] = [:]
    for step in workflow.steps {
        byStep[step.id] = TargetResolver.hosts(for: step, in: workflow.inventory).map { TaskID(step: step.id, host: $0.name) }
        tasks += byStep[step.id]!
    }
    let steps = Dictionary(uniqueKeysWithValues: workflow.steps.map { ($0.id, $0) })
    return (tasks, { task in steps[task.step]!.needs.flatMap { byStep[$0] ?? [] } })
}
