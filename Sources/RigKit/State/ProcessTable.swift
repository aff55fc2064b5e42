import Foundation

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// What the state layer reads about processes from Linux's /proc (empty elsewhere).
enum ProcessTable {
    struct Entry: Sendable, Hashable {
        var pid: Int32
        var processGroup: Int32
        /// The `state` letter: `Z` for a zombie, `X` for dead.
        var state: Character
        /// Clock ticks after boot when the process started.
        var startTicks: UInt64

        var isDead: Bool { state == "Z" || state == "X" }
    }

    /// `/proc/<pid>/stat`, or nil when the process is gone.
    static func entry(_ pid: Int32) -> Entry? {
        guard let bytes = try? PosixFile.read("/proc/\(pid)/stat") else { return nil }
        return parse(stat: bytes, pid: pid)
    }

    /// Every process; an unreadable /proc gives an empty list.
    static func all() -> [Entry] {
        guard let names = try? PosixFile.list("/proc") else { return [] }
        var entries: [Entry] = []
        entries.reserveCapacity(names.count)
        for name in names {
            guard let pid = Int32(name), let entry = entry(pid) else { continue }
            entries.append(entry)
        }
        return entries
    }

    /// Fields after the command name (which may hold spaces and parentheses): state is field 3,
    /// pgrp field 5, starttime field 22.
    static func parse(stat bytes: [UInt8], pid: Int32) -> Entry? {
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")), close + 2 < bytes.count else { return nil }
        let rest = bytes[(close + 2)...].split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
        guard rest.count >= 20 else { return nil }
        func number(_ i: Int) -> Int64? { Int64(String(decoding: rest[i], as: UTF8.self)) }
        guard let pgrp = number(2), let start = number(19), start >= 0, let stateByte = rest[0].first else { return nil }
        return Entry(
            pid: pid, processGroup: Int32(truncatingIfNeeded: pgrp), state: Character(UnicodeScalar(stateByte)),
            startTicks: UInt64(start))
    }

    /// This boot's id; a journal from another boot has no live processes.
    static func bootID() -> String? {
        guard let bytes = try? PosixFile.read("/proc/sys/kernel/random/boot_id") else { return nil }
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    /// Boot time in µs since 1970 (from `btime` in /proc/stat, whole seconds).
    static func bootTimeMicros() -> Int64? {
        guard let bytes = try? PosixFile.read("/proc/stat") else { return nil }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("btime ") {
            return Int64(line.dropFirst(6).trimmingCharacters(in: .whitespaces)).map { $0 * 1_000_000 }
        }
        return nil
    }

    static var ticksPerSecond: Int64 { Int64(sysconf(Int32(_SC_CLK_TCK))) }

    /// A process's start as µs since 1970 (to the precision of `btime`: one second).
    static func startMicros(_ entry: Entry, bootMicros: Int64) -> Int64 {
        bootMicros + Int64(entry.startTicks) * 1_000_000 / max(ticksPerSecond, 1)
    }
}
