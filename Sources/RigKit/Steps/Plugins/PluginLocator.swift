import Foundation
import RigModel

/// Finds executable plugins: the type `acme.gpu-driver` is the executable `rig-step-acme.gpu-driver`
/// in a `plugins/` folder beside the workflow (the extending file's first, then each base's), or
/// else on `PATH`.
public struct PluginLocator: Sendable {
    /// Searched in order before `PATH`.
    public var folders: [String]
    public var searchPath: [String]

    public init(folders: [String], searchPath: [String] = PluginLocator.environmentPath) {
        self.folders = folders
        self.searchPath = searchPath
    }

    /// The `plugins/` folders beside a workflow's files, the last-loaded (the user's own file) first.
    public init(workflow: Workflow, searchPath: [String] = PluginLocator.environmentPath) {
        var folders: [String] = []
        for file in workflow.sourceFiles.reversed() {
            let folder = ((file as NSString).deletingLastPathComponent as NSString).appendingPathComponent("plugins")
            if !folders.contains(folder) { folders.append(folder) }
        }
        self.init(folders: folders, searchPath: searchPath)
    }

    public static var environmentPath: [String] {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init).filter { !$0.isEmpty }
    }

    /// The executable for `type`, with whether it lives in a `plugins/` folder (a file of the
    /// project, versioned with the workflow) rather than on `PATH`.
    public func locate(_ type: String) -> (path: String, local: Bool)? {
        guard Self.isPluginName(type) else { return nil }
        let name = PluginProtocol.executablePrefix + type
        for folder in folders {
            let path = (folder as NSString).appendingPathComponent(name)
            if Self.isExecutable(path) { return (path, true) }
        }
        for folder in searchPath {
            let path = (folder as NSString).appendingPathComponent(name)
            if Self.isExecutable(path) { return (path, false) }
        }
        return nil
    }

    /// Every plugin this locator can see, by type name (the first found wins, as in `locate`).
    public func all() -> [(type: String, path: String)] {
        var found: [String: String] = [:]
        var order: [String] = []
        for folder in folders + searchPath {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for name in names.sorted() where name.hasPrefix(PluginProtocol.executablePrefix) {
                let type = String(name.dropFirst(PluginProtocol.executablePrefix.count))
                let path = (folder as NSString).appendingPathComponent(name)
                guard found[type] == nil, Self.isPluginName(type), Self.isExecutable(path) else { continue }
                found[type] = path
                order.append(type)
            }
        }
        return order.sorted().map { ($0, found[$0]!) }
    }

    /// A type name that can be a file name: letters, digits, `.`, `_` and `-`, not starting with `.`.
    static func isPluginName(_ type: String) -> Bool {
        !type.isEmpty && !type.hasPrefix(".") && type.range(of: #"^[A-Za-z0-9._-]+$"#, options: .regularExpression) != nil
    }

    static func isExecutable(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
            && access(path, X_OK) == 0
    }
}

/// Adds the executable plugins a workflow uses to a registry, asking each to describe itself, so
/// the validator checks their parameters like a built-in type's.
public struct PluginRegistrar: Sendable {
    public var locator: PluginLocator
    public var describeTimeout: Duration

    public init(locator: PluginLocator, describeTimeout: Duration = ExecutablePluginStep.defaultDescribeTimeout) {
        self.locator = locator
        self.describeTimeout = describeTimeout
    }

    public struct Result: Sendable {
        public var registry: StepTypeRegistry
        /// A plugin that failed to describe itself, at the `type:` of the first step using it.
        public var diagnostics: [Diagnostic]
        /// Plugins found in a `plugins/` folder: project files a run uses (versioned with the workflow).
        public var localExecutables: [String]
    }

    /// Registers a plugin for every step type the registry does not know and a plugin provides.
    public func register(for workflow: Workflow, into registry: StepTypeRegistry) -> Result {
        var result = Result(registry: registry, diagnostics: [], localExecutables: [])
        var tried = Set<String>()
        for step in workflow.steps where registry.type(named: step.type) == nil && tried.insert(step.type).inserted {
            guard let (path, local) = locator.locate(step.type) else { continue }
            do {
                let type = try ExecutablePluginStep.describe(name: step.type, path: path, timeout: describeTimeout)
                result.registry.register(type, origin: .plugin(path))
                if local { result.localExecutables.append(path) }
            } catch {
                result.diagnostics.append(
                    .error(
                        "step '\(step.id)' has the type '\(step.type)', provided by a plugin that could not describe itself: \(error)",
                        at: step.fieldLocations["type"] ?? step.location,
                        hint:
                            "run `echo '{\"protocol\": \(PluginProtocol.version), \"mode\": \"describe\"}' | \(path)` to see what it answers"
                    ))
            }
        }
        return result
    }
}
