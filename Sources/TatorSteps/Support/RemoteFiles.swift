import Foundation
import RigKit

/// Reads small text files from a host through its transport: the content travels base64-encoded
/// in `$RIG_OUTPUT`, so nothing of it reaches the task log.
enum RemoteFiles {
    struct State: Hashable {
        /// nil when the file does not exist.
        var content: String?
        /// Permission bits as `stat -c %a` prints them.
        var mode: String?
    }

    static func read(_ paths: [String], host: String? = nil, become: Bool = true, context: any TaskContext) throws -> [State] {
        let script = paths.enumerated().map { index, path in
            let p = Shell.quote(path)
            return """
                if [ -f \(p) ]; then
                  printf 'file\(index)=%s\\n' "$(base64 -w0 < \(p))" >> "${RIG_OUTPUT:?rig did not set RIG_OUTPUT}"
                  printf 'mode\(index)=%s\\n' "$(stat -c %a \(p))" >> "${RIG_OUTPUT:?rig did not set RIG_OUTPUT}"
                fi
                """
        }.joined(separator: "\n")
        let command = Command(
            ScriptBuilder.script(script), become: become, delegateTo: host,
            summary: "read " + paths.joined(separator: ", "))
        let transport = try context.transport(for: host)
        let result = try transport.run(
            CommandRequest(command: command, log: context.log, collectOutputs: true),
            cancellation: context.cancellation)
        guard result.exitCode == 0 else {
            throw StepFailure.commandFailed(exitCode: result.exitCode, message: "could not read \(paths.joined(separator: ", "))")
        }
        return try paths.indices.map { index in
            guard let encoded = result.outputs["file\(index)"] else { return State(content: nil, mode: nil) }
            guard let data = Data(base64Encoded: encoded), let text = String(data: data, encoding: .utf8) else {
                throw StepFailure.failed("\(paths[index]) is not UTF-8 text; rig edits text files only")
            }
            return State(content: text, mode: result.outputs["mode\(index)"])
        }
    }
}
