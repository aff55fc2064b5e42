import ArgumentParser
import RigVersioning

extension RevisionStoreError {
    /// The documented exit code: bad input the user can fix is 2, a store held by another
    /// writer 3, a store rig cannot use (damaged, newer, unwritable) 4.
    var exitStatus: ExitCode {
        switch self {
        case .busy: return ExitStatus.busy
        case .cannotCreate, .damaged, .headMismatch, .headUnreadable, .newerFormat, .writeFailed: return ExitStatus.internalError
        case .missing, .unknownRevision, .ambiguousRevision, .invalidRevision, .noRevisions, .fileNotFound, .invalidPath,
            .duplicatePath, .secretInFile, .conflictMarkers, .tagExists, .invalidTagName, .invalidRunID:
            return ExitStatus.invalidInput
        }
    }
}
