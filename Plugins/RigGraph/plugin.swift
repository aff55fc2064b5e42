import PackagePlugin

/// `swift package rig-graph [FILE.yaml ...] [rig options]`: `rig graph` of the package's workflows.
@main
struct RigGraphPlugin: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        try Forwarder.run("graph", context: context, arguments: arguments)
    }
}
