import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The lab's virtual LAN, made only inside namespaces of its own: a bridge `br0` in the LAN
/// namespace, and per host a veth pair created there with its far end (`eth0`) moved straight
/// into the host's namespace. Nothing is ever added to the machine's own (root) namespace.
enum LabNetwork {
    static func namespaceExists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: "/run/netns/\(name)")
    }

    static func existingNamespaces(withPrefix prefix: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/run/netns")) ?? []).filter { $0.hasPrefix(prefix) }.sorted()
    }

    /// Whether /run/netns is a mount point of its own (iproute2 makes it one on the first `ip netns add`).
    static func netnsFolderIsMounted() -> Bool {
        let mounts = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        return mounts.split(separator: "\n").contains { $0.split(separator: " ").dropFirst(4).first == "/run/netns" }
    }

    /// Set when a lab's `ip netns add` is what made /run/netns a mount point, so the last lab
    /// to go can undo it (whichever lab that is).
    static func markerOfNetnsMount(root: String) -> String { "\(root)/.netns-mount-made-by-rig-lab" }

    /// Before a lab's first namespace: remember whether iproute2 is about to mount /run/netns.
    static func noteNetnsMount(root: String) {
        if !netnsFolderIsMounted() { _ = FileManager.default.createFile(atPath: markerOfNetnsMount(root: root), contents: nil) }
    }

    /// Unmounts /run/netns when a lab made it a mount point and no namespace at all is left.
    static func unmountNetnsFolderIfLabsMadeIt(root: String) {
        let marker = markerOfNetnsMount(root: root)
        guard FileManager.default.fileExists(atPath: marker), existingNamespaces(withPrefix: "").isEmpty, netnsFolderIsMounted() else {
            return
        }
        // Fails harmlessly (EBUSY) when another program has just added a namespace.
        if umount2("/run/netns", 0) == 0 { unlink(marker) }
    }

    static func addNamespace(_ name: String) throws(LabError) {
        try SystemCommand.check(["ip", "netns", "add", name], "create the network namespace \(name)")
        try SystemCommand.check(["ip", "-n", name, "link", "set", "lo", "up"], "bring up loopback in \(name)")
    }

    static func deleteNamespace(_ name: String) {
        if namespaceExists(name) { _ = try? SystemCommand.run(["ip", "netns", "del", name]) }
    }

    /// The LAN namespace with its bridge and the gateway address.
    static func makeLAN(_ state: LabState) throws(LabError) {
        let lan = state.lanNamespace
        try SystemCommand.check(["ip", "-n", lan, "link", "add", "br0", "type", "bridge"], "create the lab bridge")
        try SystemCommand.check(
            ["ip", "-n", lan, "addr", "add", "\(state.gateway)/\(state.prefixLength)", "dev", "br0"], "address the lab bridge")
        try SystemCommand.check(["ip", "-n", lan, "link", "set", "br0", "up"], "bring up the lab bridge")
    }

    /// The host's cable: a veth from the bridge to the host's `eth0`, its address and default route.
    static func connect(_ host: LabHost, in state: LabState) throws(LabError) {
        let lan = state.lanNamespace
        try SystemCommand.check(
            ["ip", "-n", lan, "link", "add", host.lanInterface, "type", "veth", "peer", "name", "eth0", "netns", host.namespace],
            "create the veth pair of \(host.name)")
        try SystemCommand.check(
            ["ip", "-n", lan, "link", "set", host.lanInterface, "master", "br0", "up"], "attach \(host.name) to the lab bridge")
        try SystemCommand.check(
            ["ip", "-n", host.namespace, "addr", "add", "\(host.address)/\(state.prefixLength)", "dev", "eth0"], "address \(host.name)")
        try setLink(host, in: state, up: true)
    }

    /// Plugs the host's cable in or out (`rig lab reachable` / `unreachable`).
    static func setLink(_ host: LabHost, in state: LabState, up: Bool) throws(LabError) {
        try SystemCommand.check(
            ["ip", "-n", host.namespace, "link", "set", "eth0", up ? "up" : "down"],
            "bring \(up ? "up" : "down") the link of \(host.name)")
        if up {
            try SystemCommand.check(
                ["ip", "-n", host.namespace, "route", "replace", "default", "via", state.gateway, "dev", "eth0"],
                "route \(host.name) through the lab gateway")
        }
    }

    static func linkIsUp(_ host: LabHost) -> Bool {
        let output = (try? SystemCommand.run(["ip", "-n", host.namespace, "-o", "link", "show", "eth0"]).output) ?? ""
        return output.contains("state UP") || (output.contains(",UP") && !output.contains("state DOWN"))
    }
}
