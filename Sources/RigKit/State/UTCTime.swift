#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// UTC timestamps in the two forms state files use: ISO 8601 (`2026-11-25T10:32:00Z`) and the
/// compact, sortable form of run ids (`20261125T103200Z`).
enum UTCTime {
    static func iso8601(micros: Int64) -> String {
        let p = parts(micros)
        return "\(pad(p.year, 4))-\(pad(p.month))-\(pad(p.day))T\(pad(p.hour)):\(pad(p.minute)):\(pad(p.second))Z"
    }

    static func compact(micros: Int64) -> String {
        let p = parts(micros)
        return "\(pad(p.year, 4))\(pad(p.month))\(pad(p.day))T\(pad(p.hour))\(pad(p.minute))\(pad(p.second))Z"
    }

    /// Parses `iso8601(micros:)`'s form back to µs since 1970.
    static func parseISO8601(_ text: String) -> Int64? {
        let digits = text.split(whereSeparator: { "-T:Z".contains($0) }).compactMap { Int($0) }
        guard digits.count == 6 else { return nil }
        var t = tm()
        t.tm_year = Int32(digits[0] - 1900)
        t.tm_mon = Int32(digits[1] - 1)
        t.tm_mday = Int32(digits[2])
        t.tm_hour = Int32(digits[3])
        t.tm_min = Int32(digits[4])
        t.tm_sec = Int32(digits[5])
        let seconds = timegm(&t)
        return seconds == -1 ? nil : Int64(seconds) * 1_000_000
    }

    private static func parts(_ micros: Int64) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        var seconds = time_t(micros / 1_000_000)
        var t = tm()
        gmtime_r(&seconds, &t)
        return (Int(t.tm_year) + 1900, Int(t.tm_mon) + 1, Int(t.tm_mday), Int(t.tm_hour), Int(t.tm_min), Int(t.tm_sec))
    }

    private static func pad(_ value: Int, _ width: Int = 2) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
