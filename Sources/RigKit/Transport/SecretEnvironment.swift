import OrderedCollections
import RigModel

/// Which secrets a child process may see in its environment. rig's own `RIG_SECRET_*`
/// variables never reach a child by inheritance (local scripts, plugins, ssh and whatever ssh
/// starts); a step gets, as `RIG_SECRET_<name>`, only the secrets it references.
public enum SecretEnvironment {
    public static let prefix = "RIG_SECRET_"

    /// `environment` without any `RIG_SECRET_*` variable.
    public static func withoutSecrets(_ environment: [String: String]) -> [String: String] {
        environment.filter { !$0.key.hasPrefix(prefix) }
    }

    /// `RIG_SECRET_<name>` for each secret the step references, with its value (a `<secret:NAME>`
    /// placeholder in display mode, so `rig plan` shows what will be exported).
    public static func variables(for invocation: StepInvocation) -> OrderedDictionary<String, String> {
        var variables: OrderedDictionary<String, String> = [:]
        for name in invocation.step.referencedSecrets {
            switch invocation.mode {
            case .execute:
                if let value = invocation.workflowContext.secrets.value(name) { variables[prefix + name] = value }
            case .display:
                variables[prefix + name] = "<secret:\(name)>"
            }
        }
        return variables
    }
}

extension Step {
    /// The secrets named by `${{ secrets.NAME }}` in `with`, `when` or `unless`, in order of appearance.
    public var referencedSecrets: [String] {
        let expressions = with.expressions + (when?.expressions ?? []) + (unless?.expressions ?? [])
        var names: [String] = []
        for (path, _) in expressions.flatMap(\.references) where path.count == 2 && path[0] == "secrets" {
            if !names.contains(path[1]) { names.append(path[1]) }
        }
        return names
    }
}
