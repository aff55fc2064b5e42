import OrderedCollections
import RigModel

/// `type: shell`: a bash script on the target host.
public struct ShellStep: StepType {
    public let name = "shell"
    public let summary = "Runs a bash script (or another interpreter's) on each target host"
    public let schema = ParameterSchema([
        .init(
            "run", .script, required: true,
            description: "The script: one command or many lines, run by bash with -e and -o pipefail (a failing line "
                + "fails the step). Write key=value lines (or key<<EOF ... EOF) to $RIG_OUTPUT to publish outputs; "
                + "write rig.changed=false to report the task as ok (nothing changed)."),
        .init("env", .map(.string), description: "Environment variables exported to the script."),
        .init("cwd", .path, description: "The directory the script runs in."),
        .init(
            "shell", .string,
            description: "Another interpreter that reads the script on its standard input, e.g. python3 or sh."),
    ])

    public init() {}

    public func plan(_ invocation: StepInvocation) throws -> TaskPlan {
        guard let script = invocation.string("run") else {
            throw StepFailure.failed("step '\(invocation.step.id)' (shell) needs `run`: the script to run")
        }
        // The secrets the step references, as RIG_SECRET_<name>; its own `env` wins on a clash.
        var environment = SecretEnvironment.variables(for: invocation)
        for (key, value) in invocation.parameters["env"]?.mapValue ?? [:] { environment[key] = value.text }
        let body = invocation.string("shell").map { Self.interpreterScript(script, interpreter: $0) } ?? Self.bashScript(script)
        // The host's `become` decides (docs/inventory.md): steps that change the system run under sudo there.
        return TaskPlan(
            Command(
                body, environment: environment, become: invocation.host.become != nil, workingDirectory: invocation.string("cwd"),
                summary: script.split(separator: "\n").first.map(String.init) ?? ""))
    }

    /// The script as rig runs it under bash: with `set -eo pipefail` on its first line (so line
    /// numbers stay), except a single plain command, which is left as is so it can be exec'd
    /// directly (the options cannot change what it does).
    public static func bashScript(_ script: String) -> String {
        ShellSyntax.simpleCommandWords(script) != nil ? script : "set -eo pipefail; " + script
    }

    /// Feeds the script to another interpreter through a quoted here-document, whose delimiter
    /// is chosen not to occur in the script (deterministically, so plans and fingerprints are stable).
    static func interpreterScript(_ script: String, interpreter: String) -> String {
        var delimiter = "RIG_SCRIPT_END"
        var n = 0
        while script.contains(delimiter) {
            n += 1
            delimiter = "RIG_SCRIPT_END_\(n)"
        }
        let newline = script.hasSuffix("\n") ? "" : "\n"
        return "\(interpreter) <<'\(delimiter)'\n\(script)\(newline)\(delimiter)\n"
    }
}
