/// Run ids sort by start time: `20261125T103200Z-4f2a` (UTC second, then 4 random hex digits).
public enum RunID {
    public static func make(micros: Int64 = JournalRecord.now()) -> String {
        let suffix = String(UInt16.random(in: 0...UInt16.max), radix: 16)
        return UTCTime.compact(micros: micros) + "-" + String(repeating: "0", count: 4 - suffix.count) + suffix
    }

    /// Whether `text` can name a run folder: letters, digits, `-`, `_`, `.` (not leading) only —
    /// so a run id from the command line can never reach outside `.rig/runs/`.
    public static func isValid(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first != ".", text.utf8.count <= 100 else { return false }
        return text.unicodeScalars.allSatisfy {
            $0.isASCII
                && ($0.properties.isAlphabetic || ("0"..."9").contains($0)
                    || $0 == "-" || $0 == "_" || $0 == ".")
        }
    }
}
