import OrderedCollections

/// Outputs published by finished tasks, read by expressions such as `${{ steps.init.outputs.x }}`.
public struct StepOutputs: Sendable, Hashable {
    /// step id → host name → output name → value.
    private var values: [String: [String: OrderedDictionary<String, String>]] = [:]

    public init() {}

    public mutating func record(_ task: TaskID, _ outputs: OrderedDictionary<String, String>) {
        values[task.step, default: [:]][task.host] = outputs
    }

    /// The output of `step` on `host`; with no host (or when the step did not run there), the
    /// output of the step's only host, or of its first host by name when it ran on several.
    public func value(step: String, name: String, host: String? = nil) -> String? {
        guard let byHost = values[step] else { return nil }
        if let host, let v = byHost[host]?[name] { return v }
        return byHost.keys.sorted().lazy.compactMap { byHost[$0]?[name] }.first
    }

    /// All outputs of one task.
    public func outputs(of task: TaskID) -> OrderedDictionary<String, String>? { values[task.step]?[task.host] }

    public func hasOutputs(step: String) -> Bool { values[step] != nil }

    /// All outputs of `step` on `host`, or of its first host by name when it did not run there.
    public func outputs(ofStep step: String, host: String) -> OrderedDictionary<String, String>? {
        guard let byHost = values[step] else { return nil }
        return byHost[host] ?? byHost.keys.sorted().first.flatMap { byHost[$0] }
    }
}
