/// Where a step type came from, for `rig steps`.
public enum StepTypeOrigin: Sendable, Hashable, CustomStringConvertible {
    case builtIn
    /// Registered by a Swift package (the module name).
    case swift(String)
    /// An executable plugin at a path.
    case plugin(String)

    public var description: String {
        switch self {
        case .builtIn: return "built-in"
        case .swift(let module): return "swift (\(module))"
        case .plugin(let path): return "plugin (\(path))"
        }
    }
}

/// The step types a run can use, by name.
public struct StepTypeRegistry: Sendable {
    public struct Entry: Sendable {
        public var type: any StepType
        public var origin: StepTypeOrigin
    }

    private var entries: [String: Entry] = [:]

    public init() {}

    /// Registers a type; a later registration of the same name replaces the earlier one.
    public mutating func register(_ type: any StepType, origin: StepTypeOrigin = .builtIn) {
        entries[type.name] = Entry(type: type, origin: origin)
    }

    public func type(named name: String) -> (any StepType)? { entries[name]?.type }
    public func entry(named name: String) -> Entry? { entries[name] }

    public var names: [String] { entries.keys.sorted() }
    public var allEntries: [Entry] { names.compactMap { entries[$0] } }
}
