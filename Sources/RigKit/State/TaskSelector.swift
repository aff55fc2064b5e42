/// A step, or one step on one host, named on the command line: `join` or `join@worker3`.
public struct TaskSelector: Sendable, Hashable, CustomStringConvertible {
    public var step: String
    public var host: String?

    public init(step: String, host: String? = nil) {
        self.step = step
        self.host = host
    }

    /// Parses `STEP` or `STEP@HOST`.
    public init(parsing text: String) {
        if let at = text.lastIndex(of: "@") {
            self.init(step: String(text[..<at]), host: String(text[text.index(after: at)...]))
        } else {
            self.init(step: text)
        }
    }

    public func matches(_ task: TaskID) -> Bool { task.step == step && (host == nil || task.host == host) }

    public var description: String { host.map { "\(step)@\($0)" } ?? step }
}
