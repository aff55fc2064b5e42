/// A loaded workflow: inputs, secrets, inventory and steps.
public struct Workflow: Sendable, Hashable {
    public var name: String
    public var description: String?
    public var inputs: [InputDeclaration]
    public var secrets: [SecretDeclaration]
    public var inventory: Inventory
    /// Named concurrency pools and their depth, e.g. `apt: 1`.
    public var pools: [String: Int]
    public var steps: [Step]
    /// Every file this workflow was assembled from (workflow, overlays, inventory), in load order.
    public var sourceFiles: [String]
    /// Steps of a base workflow that an overlay disabled, with where it did so.
    public var disabledSteps: [String: SourceLocation] = [:]

    public init(
        name: String, description: String? = nil, inputs: [InputDeclaration] = [], secrets: [SecretDeclaration] = [],
        inventory: Inventory = Inventory(), pools: [String: Int] = [:], steps: [Step] = [], sourceFiles: [String] = []
    ) {
        self.name = name
        self.description = description
        self.inputs = inputs
        self.secrets = secrets
        self.inventory = inventory
        self.pools = pools
        self.steps = steps
        self.sourceFiles = sourceFiles
    }

    public func step(_ id: String) -> Step? { steps.first { $0.id == id } }
    public func input(_ name: String) -> InputDeclaration? { inputs.first { $0.name == name } }
    public func secret(_ name: String) -> SecretDeclaration? { secrets.first { $0.name == name } }
}
