import Foundation
import RigKit

/// One injected failure of a simulated tool: the tools read `$SHARED/faults.json` on every call.
public struct ToolFault: Codable, Sendable, Hashable {
    /// A host name, or "*" for every host.
    public var host: String
    public var tool: String
    /// A substring of the call's arguments joined by spaces; nil matches every call of the tool.
    public var match: String?
    /// Fail only the Nth matching call (counting from 1); nil fails every matching call.
    public var nth: Int?
    public var exitCode: Int
    public var message: String?

    public init(host: String, tool: String, match: String? = nil, nth: Int? = nil, exitCode: Int = 1, message: String? = nil) {
        self.host = host
        self.tool = tool
        self.match = match
        self.nth = nth
        self.exitCode = exitCode
        self.message = message
    }
}

/// The contents of `$SHARED/faults.json`.
public struct FaultPlan: Codable, Sendable, Hashable {
    public var faults: [ToolFault] = []
    /// Host → seconds a node stays NotReady after it joins.
    public var notReady: [String: Int] = [:]

    public init(faults: [ToolFault] = [], notReady: [String: Int] = [:]) {
        self.faults = faults
        self.notReady = notReady
    }
}

/// Reads and replaces a lab's fault plan (`rig lab fault ...`); every write is atomic, so a tool
/// never reads half a plan.
public struct LabFaults: Sendable {
    public let paths: LabPaths

    public init(paths: LabPaths) {
        self.paths = paths
    }

    public func read() throws(LabError) -> FaultPlan {
        guard let data = FileManager.default.contents(atPath: paths.faultsFile) else { return FaultPlan() }
        do {
            return try JSONDecoder().decode(FaultPlan.self, from: data)
        } catch {
            throw .badState(path: paths.faultsFile, reason: "\(error)")
        }
    }

    public func write(_ plan: FaultPlan) throws(LabError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(plan) else { throw .system("cannot encode the fault plan") }
        do {
            try AtomicFile.write(Array(data) + [10], to: paths.faultsFile, mode: 0o644)
        } catch {
            throw .system(error.description)
        }
    }

    public func add(_ fault: ToolFault) throws(LabError) {
        var plan = try read()
        plan.faults.append(fault)
        try write(plan)
    }

    public func keepNotReady(_ host: String, seconds: Int) throws(LabError) {
        var plan = try read()
        plan.notReady[host] = seconds
        try write(plan)
    }

    /// Removes every fault, and the tools' count of matched calls (`fault-counts.json`), so a
    /// fault added later counts its calls from 1 again.
    public func clear() throws(LabError) {
        try write(FaultPlan())
        try? FileManager.default.removeItem(atPath: "\(paths.shared)/fault-counts.json")
    }
}
