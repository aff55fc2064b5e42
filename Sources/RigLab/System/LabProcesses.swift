import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The lab's view of /proc: which processes live in a namespace, and ending them.
enum LabProcesses {
    /// Field 22 of /proc/PID/stat, nil when there is no such (live or zombie) process.
    static func startTime(of pid: Int32) -> UInt64? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is the state (field 3); the start time is field 22.
        guard fields.count > 19, fields[0] != "Z" else { return nil }
        return UInt64(fields[19])
    }

    static func track(_ pid: Int32) -> TrackedProcess? {
        startTime(of: pid).map { TrackedProcess(pid: pid, startTime: $0) }
    }

    static func command(of pid: Int32) -> String {
        ((try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Every live process whose network namespace is `namespace` (an `ip netns` name).
    static func inNetworkNamespace(_ namespace: String) -> [Int32] {
        var st = stat()
        guard stat("/run/netns/\(namespace)", &st) == 0 else { return [] }
        let link = "net:[\(st.st_ino)]"
        return allPids().filter { pid in
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/net")) == link
        }
    }

    static func allPids() -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap(Int32.init)
    }

    /// SIGTERM, up to `grace` for them to go, then SIGKILL; reaps those that are rig's children.
    /// Returns the pids still alive afterwards.
    @discardableResult
    static func terminate(_ pids: [Int32], grace: Duration = .seconds(3)) -> [Int32] {
        let me = getpid()
        var left = pids.filter { $0 != me && $0 > 1 }
        for pid in left { kill(pid, SIGTERM) }
        for signal in [SIGKILL, 0] {
            let deadline = ContinuousClock.now.advanced(by: signal == SIGKILL ? grace : .seconds(2))
            while !left.isEmpty, ContinuousClock.now < deadline {
                left = left.filter { pid in
                    var status: Int32 = 0
                    _ = waitpid(pid, &status, WNOHANG)
                    return startTime(of: pid) != nil
                }
                if !left.isEmpty { usleep(20_000) }
            }
            if signal == 0 { break }
            for pid in left { kill(pid, signal) }
        }
        return left
    }
}
