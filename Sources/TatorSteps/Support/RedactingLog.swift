import RigKit

/// A task log that blanks out values only known at run time (a fresh join token) before the
/// text reaches the engine's log, which only knows the workflow's declared secrets.
struct RedactingLog: TaskLog {
    let base: any TaskLog
    let secrets: [String]

    func write(_ text: String) {
        var clean = text
        for secret in secrets where !secret.isEmpty {
            clean = clean.split(separator: secret, omittingEmptySubsequences: false).joined(separator: "<redacted>")
        }
        base.write(clean)
    }

    var path: String { base.path }
}
