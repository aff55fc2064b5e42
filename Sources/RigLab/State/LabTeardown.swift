import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Removes everything a lab made, from its state file and from what is still there: every
/// process in its namespaces (holders, sshd, sessions, proxies), its namespaces (which takes
/// their veths and the bridge with them), /run/netns when the lab mounted it and nothing else
/// uses it, and the lab's folder. Safe to run on a half-made lab, a crashed one, or twice.
enum LabTeardown {
    struct Report {
        var processes = 0
        var namespaces = 0
        var survivors: [Int32] = []
    }

    @discardableResult
    static func run(_ paths: LabPaths, state: LabState?) -> Report {
        var report = Report()
        var namespaces = Set(state?.namespaces ?? [])
        namespaces.formUnion(state?.hosts.map(\.namespace) ?? [])
        if let state { namespaces.insert(state.lanNamespace) }
        // Namespaces named for this lab but missing from the state (a state file lost or damaged).
        namespaces.formUnion(LabNetwork.existingNamespaces(withPrefix: paths.namespacePrefix))

        var pids = Set(namespaces.flatMap(LabProcesses.inNetworkNamespace))
        for host in state?.hosts ?? [] {
            for process in [host.holder, host.sshd].compactMap({ $0 }) where process.isAlive { pids.insert(process.pid) }
        }
        report.processes = pids.count
        report.survivors = LabProcesses.terminate(Array(pids))

        for namespace in namespaces.sorted() where LabNetwork.namespaceExists(namespace) {
            LabNetwork.deleteNamespace(namespace)
            report.namespaces += 1
        }
        LabNetwork.unmountNetnsFolderIfLabsMadeIt(root: paths.root)
        try? FileManager.default.removeItem(atPath: paths.directory)
        return report
    }
}
