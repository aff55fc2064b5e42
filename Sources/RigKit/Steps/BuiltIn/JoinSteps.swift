/// `type: noop`: does nothing; a placeholder.
public struct NoopStep: StepType {
    public let name = "noop"
    public let summary = "Does nothing (a placeholder); runs no command"
    public let schema = ParameterSchema.empty

    public init() {}

    public func plan(_ invocation: StepInvocation) throws -> TaskPlan { TaskPlan(actions: []) }

    public func execute(_ invocation: StepInvocation, context: any TaskContext) throws -> TaskResult { TaskResult(status: .ok) }
}

/// `type: group`: a join point that completes once every step it needs has.
public struct GroupStep: StepType {
    public let name = "group"
    public let summary = "A join point: done when every step it needs is done; runs no command"
    public let schema = ParameterSchema.empty

    public init() {}

    public func plan(_ invocation: StepInvocation) throws -> TaskPlan { TaskPlan(actions: []) }

    public func execute(_ invocation: StepInvocation, context: any TaskContext) throws -> TaskResult { TaskResult(status: .ok) }
}
