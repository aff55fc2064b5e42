/// The type of a workflow input; values are checked against it before anything runs.
public indirect enum InputType: Sendable, Hashable, CustomStringConvertible {
    case string
    case int
    case bool
    /// An IPv4 or IPv6 address.
    case ip
    /// An address with a prefix length, e.g. `192.168.1.0/24`.
    case cidr
    case hostname
    /// 1...65535.
    case port
    /// `30s`, `5m`, `1h30m`.
    case duration
    case list(of: InputType)

    public var description: String {
        switch self {
        case .string: return "string"
        case .int: return "int"
        case .bool: return "bool"
        case .ip: return "ip"
        case .cidr: return "cidr"
        case .hostname: return "hostname"
        case .port: return "port"
        case .duration: return "duration"
        case .list(let element): return "list<\(element)>"
        }
    }
}

/// An entry of a workflow's `inputs:`.
public struct InputDeclaration: Sendable, Hashable {
    public var name: String
    public var type: InputType
    public var description: String?
    public var defaultValue: Value?
    /// Required inputs without a default must be given with `--input` or `--inputs`.
    public var required: Bool
    public var allowedValues: [Value]?
    /// A regular expression the whole (string) value must match.
    public var pattern: String?
    public var location: SourceLocation?

    public init(
        name: String, type: InputType, description: String? = nil, defaultValue: Value? = nil,
        required: Bool = false, allowedValues: [Value]? = nil, pattern: String? = nil, location: SourceLocation? = nil
    ) {
        self.name = name
        self.type = type
        self.description = description
        self.defaultValue = defaultValue
        self.required = required
        self.allowedValues = allowedValues
        self.pattern = pattern
        self.location = location
    }
}

/// An entry of a workflow's `secrets:`: only a name; the value comes from the environment
/// (`RIG_SECRET_<name>`), a 0600 secrets file, or a prompt, never from the workflow.
public struct SecretDeclaration: Sendable, Hashable {
    public var name: String
    public var description: String?
    /// An optional secret may be absent; steps that need it decide what that means.
    public var optional: Bool
    public var location: SourceLocation?

    public init(name: String, description: String? = nil, optional: Bool = false, location: SourceLocation? = nil) {
        self.name = name
        self.description = description
        self.optional = optional
        self.location = location
    }

    public var environmentVariable: String { "RIG_SECRET_\(name)" }
}
