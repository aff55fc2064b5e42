/// One step on one host: the unit the engine schedules, checkpoints and resumes.
public struct TaskID: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var step: String
    /// The inventory host name (`local` for `on: local`).
    public var host: String

    public init(step: String, host: String) {
        self.step = step
        self.host = host
    }

    public var description: String { "\(step)@\(host)" }

    public static func < (a: TaskID, b: TaskID) -> Bool { (a.step, a.host) < (b.step, b.host) }
}
