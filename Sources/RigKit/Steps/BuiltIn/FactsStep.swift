import OrderedCollections
import RigModel

/// `type: facts`: publishes the host's facts as outputs (`os_id`, `os_version`, `cpu_count`,
/// `memory_total_bytes`, `memory_available_bytes`, `disk_free_bytes`, `ipv4_address`,
/// `ipv4_prefix_length`, `ipv4_cidr`, `ipv4_interface`, `swap_total_bytes`, `swap_enabled`).
/// Facts are gathered once per host per run, whichever step asks first.
public struct FactsStep: StepType {
    public let name = "facts"
    public let summary = "Gathers the host's OS, CPU count, memory, free disk, primary IPv4 address and swap state as outputs"
    public let schema = ParameterSchema([])

    public init() {}

    public func plan(_ invocation: StepInvocation) throws -> TaskPlan {
        TaskPlan(Command(HostFacts.probeScript, summary: "gather facts"))
    }

    public func execute(_ invocation: StepInvocation, context: any TaskContext) throws -> TaskResult {
        let facts = try context.facts(of: nil)
        var outputs: OrderedDictionary<String, String> = [:]
        for (key, value) in facts.outputs { outputs[key] = value }
        return TaskResult(status: .ok, outputs: outputs)
    }
}
