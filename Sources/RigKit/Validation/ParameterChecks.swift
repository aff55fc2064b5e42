import OrderedCollections
import RigModel

/// A step's `with:` against its type's schema: unknown keys, missing required ones, and the
/// kind of every value that is known before the run.
struct ParameterChecks {
    let context: RenderContext

    func run(_ step: Step, type: any StepType) -> [Diagnostic] {
        let schema = type.schema
        guard case .map(let entries, _) = step.with else { return [] }
        let withLocation = step.fieldLocations["with"] ?? step.location
        var problems: [Diagnostic] = []
        for (key, node) in entries where schema.parameter(key) == nil && !schema.allowsOtherKeys {
            problems.append(
                .error(
                    "step '\(step.id)': '\(key)' is not a parameter of type '\(step.type)'",
                    at: node.location ?? withLocation, hint: ParameterCoercion.unknownKeyHint(key, schema: schema)))
        }
        for parameter in schema.parameters {
            guard let node = entries[parameter.name] else {
                if parameter.required && parameter.defaultValue == nil {
                    problems.append(
                        .error(
                            "step '\(step.id)': type '\(step.type)' needs the parameter '\(parameter.name)'",
                            at: withLocation, hint: "add `\(parameter.name):` under `with:` (\(parameter.description))"))
                }
                continue
            }
            guard let value = Renderer.renderIfKnown(node, in: context) else { continue }
            do throws(ParameterCoercion.Failure) {
                _ = try ParameterCoercion.coerce(value, to: parameter.kind, showValues: true)
            } catch {
                let name = ([parameter.name] + error.path).joined(separator: ".")
                problems.append(
                    .error(
                        "step '\(step.id)': parameter '\(name)' \(error.problem)",
                        at: node.descendant(error.path)?.location ?? node.location ?? withLocation, hint: error.hint))
            }
        }
        return problems
    }
}
