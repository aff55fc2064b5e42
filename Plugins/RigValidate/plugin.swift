import PackagePlugin

/// `swift package rig-validate [FILE.yaml ...] [rig options]`: `rig validate` on the package's workflows.
@main
struct RigValidatePlugin: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        try Forwarder.run("validate", context: context, arguments: arguments)
    }
}
