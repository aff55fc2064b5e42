import RigKit
import TatorSteps

extension StepTypeRegistry {
    /// The generic built-in step types plus the Tator stages.
    public static var standard: StepTypeRegistry {
        var registry = StepTypeRegistry.builtIns
        TatorSteps.register(into: &registry)
        return registry
    }
}
