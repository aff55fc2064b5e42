import RigModel

/// Names that become file names (a task's log is `logs/STEP@HOST.log` in the run's folder) or
/// identifiers in expressions and the environment stay short enough for every file system:
/// two names at the limit, `@` and `.log` make 205 bytes, under the 255 of NAME_MAX.
enum NameLengthChecks {
    /// Bytes (UTF-8) in a step id, host name, input name or secret name.
    static let maximumLength = 100

    static func run(_ workflow: Workflow) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        for step in workflow.steps {
            problems += check(step.id, "step id", at: step.fieldLocations["id"] ?? step.location)
        }
        for host in workflow.inventory.hosts {
            let here = host.location ?? workflow.inventory.file.map { SourceLocation(file: $0, line: 1, column: 1) }
            problems += check(host.name, "host name", at: here)
        }
        for input in workflow.inputs { problems += check(input.name, "input name", at: input.location) }
        for secret in workflow.secrets { problems += check(secret.name, "secret name", at: secret.location) }
        return problems
    }

    private static func check(_ name: String, _ what: String, at location: SourceLocation?) -> [Diagnostic] {
        let length = name.utf8.count
        guard length > maximumLength else { return [] }
        return [
            .error(
                "the \(what) '\(name.prefix(20))...' is \(length) bytes long, more than the limit of \(maximumLength)", at: location,
                hint:
                    "shorten it to at most \(maximumLength) characters; a step id and a host name name each task's log file (logs/STEP@HOST.log), which the file system limits to 255 bytes"
            )
        ]
    }
}
