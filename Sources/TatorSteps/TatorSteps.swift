import RigKit

/// The stages of Tator's multi-node tutorial as step types in the `tator.` namespace.
public enum TatorSteps {
    /// Every Tator step type, in tutorial order.
    public static let all: [any StepType] = [
        PreflightStep(), PrerequisitesStep(), NFSServerStep(), MasterInitStep(), ArgoStep(), NFSProvisionerStep(),
        JoinStep(), LabelStep(), CheckoutStep(), ValuesStep(), ChartDependenciesStep(), DuckDNSStep(), BuildStep(),
    ]

    public static func register(into registry: inout StepTypeRegistry) {
        for type in all { registry.register(type, origin: .builtIn) }
    }
}
