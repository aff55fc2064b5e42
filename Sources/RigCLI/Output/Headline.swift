import RigKit

/// The first line of a multi-line message: a failure carries its log's last lines, which the
/// live output and the summary show once, under the task, not inside every event line.
func headline(_ message: CustomStringConvertible) -> Substring {
    message.description.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
}

/// A failure's own headline: a failed command's last printed line, where the error usually is.
func headline(_ failure: StepFailure) -> String { failure.headline }

func headline(_ outcome: TaskOutcome) -> String {
    if case .failed(let failure) = outcome { return "failed: \(failure.headline)" }
    return String(headline(outcome as CustomStringConvertible))
}
