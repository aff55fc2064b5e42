import OrderedCollections

/// The values of a run's secrets. Printing, interpolating or dumping it shows names only.
public struct SecretValues: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let storage: OrderedDictionary<String, String>

    /// Values by secret name.
    public init(_ values: OrderedDictionary<String, String> = [:]) { storage = values }

    public init(_ values: [String: String]) {
        storage = OrderedDictionary(uniqueKeysWithValues: values.sorted { $0.key < $1.key })
    }

    public func value(_ name: String) -> String? { storage[name] }

    /// The names of the secrets that have a value.
    public var names: [String] { Array(storage.keys) }

    /// Every non-empty value, longest first, so a redactor replaces longer secrets before their substrings.
    public var allValues: [String] {
        Set(storage.values.filter { !$0.isEmpty }).sorted { ($0.count, $0) > ($1.count, $1) }
    }

    public var description: String { "SecretValues(\(names.joined(separator: ", ")))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["names": names], displayStyle: .struct) }
}
