import OrderedCollections
import RigModel

/// A step rendered for one host: what the engine needs right before it starts the task.
public struct RenderedTask: Sendable, Hashable {
    /// The `when:` condition's value; true when the step has none. When false nothing else is rendered.
    public var runs: Bool
    /// `with:` bound to the type's schema (see `ParameterBinder`).
    public var parameters: OrderedDictionary<String, Value>
    /// The `unless:` guard, rendered.
    public var guardScript: String?

    public init(runs: Bool, parameters: OrderedDictionary<String, Value> = [:], guardScript: String? = nil) {
        self.runs = runs
        self.parameters = parameters
        self.guardScript = guardScript
    }
}

/// Renders a step for a task: the condition first (a skipped task needs nothing else, not even
/// outputs of steps that were skipped themselves), then the parameters, then the guard.
public enum TaskRenderer {
    public static func render(_ step: Step, schema: ParameterSchema, in context: RenderContext) throws(RenderError) -> RenderedTask {
        if let when = step.when, try !Renderer.evaluateCondition(when, in: context) {
            return RenderedTask(runs: false)
        }
        return RenderedTask(
            runs: true,
            parameters: try ParameterBinder.bind(step, schema: schema, in: context),
            guardScript: try step.unless.map { (t) throws(RenderError) in try Renderer.renderText(t, in: context) })
    }
}
