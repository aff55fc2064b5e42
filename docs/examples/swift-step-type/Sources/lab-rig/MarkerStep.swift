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

    func plan(_ invocation: StepInvocation) throws -> TaskPlan {
        let path = invocation.string("path") ?? ""
        return TaskPlan(
            check: Command("test -f \(shellQuote(path))"),
            actions: [.upload(FileUpload(path: path, text: (invocation.string("text") ?? "") + "\n"))])
    }
}
