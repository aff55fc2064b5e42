import Foundation
import PackagePlugin

/// Runs one `rig` subcommand on the workflows of a package: the files given as arguments, or
/// else every workflow (a YAML file with `steps:` or `extends:`) in the package's `workflows/`.
/// Other arguments (`--input name=value`, ...) are passed on to rig. Shared by both plugins.
enum Forwarder {
    static func run(_ subcommand: String, context: PluginContext, arguments: [String]) throws {
        let rig = try context.tool(named: "rig").url
        let files = arguments.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
        let options = arguments.filter { !files.contains($0) }
        let workflows = files.isEmpty ? workflowFiles(in: context.package.directoryURL.appendingPathComponent("workflows")) : files
        guard !workflows.isEmpty else {
            Diagnostics.error("no workflows found: put them in workflows/ or name them: swift package rig-\(subcommand) FILE.yaml")
            throw ForwarderError.failed(0)
        }
        var failed = 0
        for file in workflows {
            let process = Process()
            process.executableURL = rig
            process.arguments = [subcommand, file] + options
            try process.run()
            process.waitUntilExit()
            if process.terminationStatus != 0 { failed += 1 }
        }
        if failed > 0 { throw ForwarderError.failed(failed) }
    }

    static func workflowFiles(in folder: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.map { folder.appendingPathComponent($0).path }
            .filter { path in
                let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
                return text.split(separator: "\n").contains { $0.hasPrefix("steps:") || $0.hasPrefix("extends:") }
            }
    }
}

enum ForwarderError: Error, CustomStringConvertible {
    case failed(Int)

    var description: String {
        switch self {
        case .failed(let count):
            return count == 0 ? "nothing to check" : "\(count) workflow\(count == 1 ? "" : "s") failed; see the errors above"
        }
    }
}
