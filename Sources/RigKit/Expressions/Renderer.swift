import RigModel

/// Renders templates and `with:` parameters for a task.
public enum Renderer {
    /// A template that is exactly one expression keeps the expression's type; otherwise a string.
    public static func render(_ template: Template, in context: RenderContext) throws(RenderError) -> Value {
        var evaluation = Evaluation(context)
        return try evaluation.render(template)
    }

    public static func render(_ node: ParameterNode, in context: RenderContext) throws(RenderError) -> Value {
        var evaluation = Evaluation(context)
        return try evaluation.render(node)
    }

    public static func renderText(_ template: Template, in context: RenderContext) throws(RenderError) -> String {
        try render(template, in: context).text
    }

    /// `when:` conditions: false, null, 0, "", "false" and empty collections are false.
    public static func evaluateCondition(_ template: Template, in context: RenderContext) throws(RenderError) -> Bool {
        try render(template, in: context).isTruthy
    }

    /// The value when everything it needs is known before the run (inputs, hosts, the workflow);
    /// nil when it needs a step output, a secret, the task's host or the run id, or does not render.
    public static func renderIfKnown(_ node: ParameterNode, in context: RenderContext) -> Value? {
        var evaluation = Evaluation(context, purpose: .beforeRun)
        guard let value = try? evaluation.render(node), !evaluation.usedPlaceholder else { return nil }
        return value
    }

    /// Like `renderIfKnown(_:in:)` for a template (a `when:` condition, an `unless:` guard).
    public static func renderIfKnown(_ template: Template, in context: RenderContext) -> Value? {
        renderIfKnown(.template(template), in: context)
    }
}
