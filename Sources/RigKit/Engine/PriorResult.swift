import OrderedCollections

/// A task an earlier run finished (with an unchanged fingerprint): a resumed run skips it as
/// `.skipped(.alreadyDone(runID:))` and offers its outputs to the tasks that need them.
public struct PriorResult: Sendable, Hashable {
    public var runID: String
    public var outputs: OrderedDictionary<String, String>

    public init(runID: String, outputs: OrderedDictionary<String, String> = [:]) {
        self.runID = runID
        self.outputs = outputs
    }
}
