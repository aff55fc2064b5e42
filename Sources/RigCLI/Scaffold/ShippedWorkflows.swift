import Foundation

/// The `workflows/` folder that comes with rig (tator-multinode.yaml and its example inventory
/// and inputs), found above a given folder or above the running `rig` executable, as in a clone
/// where rig was built with `swift build`.
struct ShippedWorkflows {
    static let tatorWorkflow = "tator-multinode.yaml"
    static let inventoryExample = "inventory.example.yaml"
    static let siteExample = "site.example.yaml"

    let folder: URL

    /// The first `workflows/` holding the Tator workflow and its examples above `start`, then
    /// above the executable.
    static func locate(from start: URL) -> ShippedWorkflows? {
        for origin in [start, executableFolder()].compactMap({ $0 }) {
            var current = origin.standardizedFileURL
            while true {
                let candidate = current.appendingPathComponent("workflows", isDirectory: true)
                // All three: a folder made by `rig init` holds a copy of the workflow only.
                let names = [tatorWorkflow, inventoryExample, siteExample]
                if names.allSatisfy({ FileManager.default.fileExists(atPath: candidate.appendingPathComponent($0).path) }) {
                    return ShippedWorkflows(folder: candidate)
                }
                let parent = current.deletingLastPathComponent()
                if parent.path == current.path { break }
                current = parent
            }
        }
        return nil
    }

    func contents(of name: String) throws -> Data {
        try Data(contentsOf: folder.appendingPathComponent(name))
    }

    private static func executableFolder() -> URL? {
        let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        guard let path = resolved ?? Bundle.main.executablePath else { return nil }
        return URL(fileURLWithPath: path).deletingLastPathComponent()
    }
}
