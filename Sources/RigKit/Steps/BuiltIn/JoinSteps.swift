/// `type: noop` (a placeholder) and `type: group` (a join point that completes once every step
/// it needs has): step types that run no command and report "ok".
public struct JoinStep: StepType {
    public let name: String
    public let summary: String
    public let schema = ParameterSchema.empty

    public static let noop = JoinStep(name: "noop", summary: "Does nothing (a placeholder); runs no command")
    public static let group = JoinStep(
        name: "group", summary: "A join point: done when every step it needs is done; runs no command")

    public init(name: String, summary: String) {
        self.name = name
        self.summary = summary
    }

    public func plan(_ invocation: StepInvocation) throws -> TaskPlan { TaskPlan(actions: []) }

    public func execute(_ invocation: StepInvocation, context: any TaskContext) throws -> TaskResult { TaskResult(status: .ok) }
}
