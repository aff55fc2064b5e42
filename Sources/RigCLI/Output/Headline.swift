/// The first line of a multi-line message: a failure carries its log's last lines, which the
/// live output and the summary show once, under the task, not inside every event line.
func headline(_ message: CustomStringConvertible) -> Substring {
    message.description.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
}
