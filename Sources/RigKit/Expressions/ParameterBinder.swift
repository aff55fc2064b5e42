import OrderedCollections
import RigModel

/// Turns a step's `with:` into the ready-to-use values its step type reads: rendered, checked
/// against the schema, defaults filled in, kinds converted (`"8080"` → 8080 for a port).
public enum ParameterBinder {
    public static func bind(_ step: Step, schema: ParameterSchema, in context: RenderContext) throws(RenderError) -> OrderedDictionary<
        String, Value
    > {
        let entries: OrderedDictionary<String, ParameterNode>
        switch step.with {
        case .map(let map, _): entries = map
        default:
            throw .invalidParameter(
                step: step.id, parameter: "with", problem: "must be a map of parameter names to values",
                at: step.with.location, hint: nil)
        }
        var result = OrderedDictionary<String, Value>()
        for parameter in schema.parameters {
            if let node = entries[parameter.name] {
                result[parameter.name] = try bindOne(node, as: parameter.kind, name: parameter.name, step: step, context: context)
                continue
            }
            do throws(ParameterCoercion.Failure) {
                if let value = try ParameterCoercion.defaultValue(of: parameter, path: []) {
                    result[parameter.name] = value
                } else if parameter.required {
                    throw ParameterCoercion.Failure(path: [], problem: "is required", hint: parameter.description)
                }
            } catch {
                throw failure(error, parameter: parameter.name, step: step, node: nil)
            }
        }
        for (key, node) in entries where schema.parameter(key) == nil {
            guard schema.allowsOtherKeys else {
                throw .invalidParameter(
                    step: step.id, parameter: key, problem: "is not a parameter of type '\(step.type)'",
                    at: node.location, hint: ParameterCoercion.unknownKeyHint(key, schema: schema))
            }
            result[key] = try bindOne(node, as: .any, name: key, step: step, context: context)
        }
        return result
    }

    private static func bindOne(
        _ node: ParameterNode, as kind: ParameterSchema.Kind, name: String, step: Step,
        context: RenderContext
    ) throws(RenderError) -> Value {
        var evaluation = Evaluation(context)
        let value = try evaluation.render(node)
        // A display-mode placeholder (`<secret:x>`) cannot have the parameter's kind; show it as is.
        if evaluation.usedPlaceholder { return value }
        do throws(ParameterCoercion.Failure) {
            return try ParameterCoercion.coerce(value, to: kind, showValues: !evaluation.usedSecret)
        } catch {
            throw failure(error, parameter: name, step: step, node: node)
        }
    }

    private static func failure(_ failure: ParameterCoercion.Failure, parameter: String, step: Step, node: ParameterNode?) -> RenderError {
        let name = ([parameter] + failure.path).joined(separator: ".")
        let location = node?.descendant(failure.path)?.location ?? node?.location ?? step.fieldLocations["with"] ?? step.location
        return .invalidParameter(step: step.id, parameter: name, problem: failure.problem, at: location, hint: failure.hint)
    }
}

extension ParameterNode {
    /// The node at a path of map keys and list indices below this one, as far as it goes.
    func descendant(_ path: [String]) -> ParameterNode? {
        var node = self
        for segment in path {
            switch node {
            case .map(let entries, _):
                guard let next = entries[segment] else { return node }
                node = next
            case .list(let items, _):
                guard let i = Int(segment), items.indices.contains(i) else { return node }
                node = items[i]
            default:
                return node
            }
        }
        return node
    }
}
