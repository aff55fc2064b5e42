/// A journal that cannot be read or written as it is.
public enum JournalError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file is not a rig journal at all.
    case notAJournal(path: String, reason: String)
    /// Written by a newer rig.
    case newerFormat(path: String, found: UInt32, supported: UInt32)
    /// A record in the middle is damaged: records after it cannot be trusted. The intact records
    /// before it are usable only with the operator's consent.
    case corrupted(path: String, recordIndex: Int, byteOffset: Int, reason: String)
    /// The journal is missing, empty or shorter than the run's `run.json` or task logs show:
    /// a resume would rerun finished tasks. `finding` names both files and what each holds.
    case incomplete(journal: String, finding: String)
    /// Reading or writing failed; after a failed write or sync nothing more is written.
    case io(StateError)

    public var description: String {
        switch self {
        case .notAJournal(let path, let reason):
            return "\(path) is not a rig journal (\(reason)). Nothing was changed. Check the run id, or move the file aside."
        case .newerFormat(let path, let found, let supported):
            return "\(path) was written by a newer rig (journal format \(found); this rig reads up to \(supported)). "
                + "Nothing was changed. Upgrade rig to resume this run."
        case .corrupted(let path, let index, let offset, let reason):
            return "\(path) is damaged at record \(index) (byte \(offset)): \(reason). The \(index) records before it are "
                + "intact; records after it cannot be trusted. Nothing was changed. To resume from the intact records "
                + "(tasks recorded after the damage will run again), pass --accept-damaged-journal: "
                + "`\(Self.acceptingCommand(journal: path))`."
        case .incomplete(let journal, let finding):
            return "\(finding). Only the journal proves which tasks are done, so rig does not guess; nothing was "
                + "changed. To rerun every task the journal cannot prove done, pass --accept-damaged-journal: "
                + "`\(Self.acceptingCommand(journal: journal))`."
        case .io(let error):
            return error.description
        }
    }

    /// `rig resume` of the journal's run with `--accept-damaged-journal`, from the folder that
    /// holds the `.rig` state folder (`<folder>/.rig/runs/<id>/journal`), so it works pasted anywhere.
    static func acceptingCommand(journal: String) -> String {
        let runFolder = PosixFile.parentDirectory(of: journal)
        let runID = PosixFile.lastComponent(of: runFolder)
        let store = PosixFile.parentDirectory(of: PosixFile.parentDirectory(of: runFolder))
        let command = "rig resume \(shellQuote(runID)) --accept-damaged-journal"
        guard PosixFile.lastComponent(of: store) == ".rig" else { return command }
        return "cd \(shellQuote(PosixFile.parentDirectory(of: store))) && \(command)"
    }
}
