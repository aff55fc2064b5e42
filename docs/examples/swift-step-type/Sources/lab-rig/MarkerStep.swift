import RigKit
import RigModel

/// `type: lab.marker`: writes a marker file on each target host, once.
struct MarkerStep: StepType {
    let name = "lab.marker"
    let summary = "Writes a marker file on the host (an example Swift step type)"
    let schema = ParameterSchema([
        .init("path", .path, required: true, description: "Where the marker goes"),
        .init("text", .string, default: "hello from Swift", description: "What it says"),
    ])

    /// Load-time checks beyond the schema: reported with the other problems, before anything runs.
    func validate(_ step: Step, context: ValidationContext) -> [Diagnostic] {
        guard let path = step.with["path"].flatMap(context.render)?.stringValue, !path.hasPrefix("/") else { return [] }
        return [.error("step '\(step.id)': lab.marker needs an absolute path, not '\(path)'", at: step.fieldLocations["with"])]
    }

    func plan(_ invocation: StepInvocation) throws -> TaskPlan {
        let path = invocation.string("path") ?? ""
        return TaskPlan(
            check: Command("test -f \(shellQuote(path))"),
            actions: [.upload(FileUpload(path: path, text: (invocation.string("text") ?? "") + "\n"))])
    }
}
