extension StepTypeRegistry {
    /// `shell`, `wait`, `facts`, `noop` and `group`.
    public static var builtIns: StepTypeRegistry {
        var registry = StepTypeRegistry()
        registry.register(ShellStep())
        registry.register(WaitStep())
        registry.register(FactsStep())
        registry.register(JoinStep.noop)
        registry.register(JoinStep.group)
        return registry
    }
}
