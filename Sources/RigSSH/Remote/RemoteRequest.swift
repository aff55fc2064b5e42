import Foundation
import RigKit

/// The bytes rig writes to ssh's stdin for one command or upload, and the boundary that marks
/// the wrapper's trailer in the answer.
struct RemoteRequest {
    var stdin: [UInt8]
    var boundary: String

    /// Who the request runs as on the host.
    struct Elevation {
        var user: String
        var password: String?
    }

    init(script: String, mode: RemoteWrapper.Mode, elevation: Elevation?, data: [UInt8] = []) {
        boundary = "RIG-TRAILER-" + (0..<4).map { _ in String(format: "%08x", UInt32.random(in: .min ... .max)) }.joined()
        var text = ""
        if let elevation { text += RemoteWrapper.becomePrelude(user: elevation.user, password: elevation.password) }
        text += RemoteWrapper.program
        let body = Array(script.utf8)
        text += "rig1 \(body.count) \(mode.rawValue) \(boundary)\n"
        stdin = Array(text.utf8) + body + data
    }

    /// The script the host runs for `command`: its environment exported and its working folder
    /// entered first, all as quoted bash text inside the script.
    static func script(for command: Command) throws(StepFailure) -> String {
        var prelude = ""
        for (name, value) in command.environment {
            guard ShellQuoting.isVariableName(name) else {
                throw .failed(
                    "environment variable name \(ShellQuoting.quote(name)) is not valid: use letters, digits and _, not starting with a digit"
                )
            }
            prelude += "export \(name)=\(ShellQuoting.quote(value))\n"
        }
        if let directory = command.workingDirectory {
            prelude += "cd -- \(ShellQuoting.quote(directory)) || exit 1\n"
        }
        return prelude + command.script
    }

    /// The script that writes `file` atomically: its bytes follow on stdin into a temporary file
    /// beside the target, which gets its owner and mode and is then renamed over the target.
    /// A short read (rig stopped mid-upload) leaves the target untouched.
    static func uploadScript(for file: FileUpload) -> String {
        let target = ShellQuoting.quote(file.path)
        var lines = [
            "set -e",
            "rig_dst=\(target)",
            "rig_dir=$(dirname -- \"$rig_dst\")",
            "[ -d \"$rig_dir\" ] || (umask 022 && mkdir -p -- \"$rig_dir\")",
            "rig_tmp=$(mktemp \"$rig_dir/.rig-upload.XXXXXXXX\")",
            "trap 'rm -f -- \"$rig_tmp\"' EXIT",
            "head -c \(file.content.count) >\"$rig_tmp\"",
            "if [ \"$(($(wc -c <\"$rig_tmp\")))\" -ne \(file.content.count) ]; then echo \"rig: the upload of $rig_dst arrived incomplete; the file was not changed\" >&2; exit 1; fi",
        ]
        if file.owner != nil || file.group != nil {
            let spec = (file.owner ?? "") + (file.group.map { ":" + $0 } ?? "")
            lines.append("chown -- \(ShellQuoting.quote(spec)) \"$rig_tmp\"")
        }
        lines.append("chmod \(String(file.mode & 0o7777, radix: 8)) \"$rig_tmp\"")
        lines.append("mv -f -- \"$rig_tmp\" \"$rig_dst\"")
        lines.append("trap - EXIT")
        return lines.joined(separator: "\n") + "\n"
    }
}
