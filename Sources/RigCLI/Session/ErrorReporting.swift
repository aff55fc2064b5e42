import ArgumentParser
import RigKit
import RigModel
import RigVersioning

/// Runs a command body and turns rig's errors into a message on stderr and a documented exit code.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let failure as ValidationFailure {
        Terminal.writeError(failure.description)
        throw ExitStatus.invalidInput
    } catch {
        guard let status = exitStatus(for: error) else { throw error }
        Terminal.writeError("error: \(error)")
        throw status
    }
}

/// The documented exit code of an error rig reports itself; nil for others.
private func exitStatus(for error: any Error) -> ExitCode? {
    switch error {
    case is CLIError, is ResumePlanner.Failure: return ExitStatus.invalidInput
    case StateError.locked: return ExitStatus.busy
    case is StateError, is JournalError, is RunDefinitions.Failure, is UnreadableRunSettings: return ExitStatus.internalError
    case let error as RevisionStoreError: return error.exitStatus
    default: return nil
    }
}
