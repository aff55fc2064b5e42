/// The parameters a step type accepts in `with:`; the validator checks every step against it
/// and `rig steps` prints it.
public struct ParameterSchema: Sendable, Hashable, Codable {
    public indirect enum Kind: Sendable, Hashable, Codable, CustomStringConvertible {
        case string
        /// Bash source; shown in `rig plan` as the exact command.
        case script
        case int
        case bool
        case duration
        case ip
        case cidr
        case port
        case path
        case oneOf([String])
        case list(Kind)
        /// A map from string keys to values of one kind (e.g. `env:`).
        case map(Kind)
        case object(ParameterSchema)
        case any

        public var description: String {
            switch self {
            case .string: return "string"
            case .script: return "script"
            case .int: return "int"
            case .bool: return "bool"
            case .duration: return "duration"
            case .ip: return "ip"
            case .cidr: return "cidr"
            case .port: return "port"
            case .path: return "path"
            case .oneOf(let values): return values.joined(separator: "|")
            case .list(let k): return "list<\(k)>"
            case .map(let k): return "map<\(k)>"
            case .object: return "object"
            case .any: return "any"
            }
        }
    }

    public struct Parameter: Sendable, Hashable, Codable {
        public var name: String
        public var kind: Kind
        public var required: Bool
        public var defaultValue: String?
        public var description: String
        /// False for parameters that cannot change what the task does to the host (display options);
        /// they are left out of the task's fingerprint, so changing them does not trigger a rerun.
        public var affectsResult: Bool
        /// The value is a secret: redacted in plans, logs and run state.
        public var secret: Bool

        public init(
            _ name: String, _ kind: Kind, required: Bool = false, default defaultValue: String? = nil,
            description: String, affectsResult: Bool = true, secret: Bool = false
        ) {
            self.name = name
            self.kind = kind
            self.required = required
            self.defaultValue = defaultValue
            self.description = description
            self.affectsResult = affectsResult
            self.secret = secret
        }
    }

    public var parameters: [Parameter]
    /// Accept keys the schema does not list (plugins that describe no schema).
    public var allowsOtherKeys: Bool

    public init(_ parameters: [Parameter], allowsOtherKeys: Bool = false) {
        self.parameters = parameters
        self.allowsOtherKeys = allowsOtherKeys
    }

    public static let empty = ParameterSchema([])

    public func parameter(_ name: String) -> Parameter? { parameters.first { $0.name == name } }
}
