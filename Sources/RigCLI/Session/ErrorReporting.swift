import ArgumentParser
import RigKit
import RigModel

/// Runs a command body and turns rig's errors into a message on stderr and a documented exit code.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let failure as ValidationFailure {
        Terminal.writeError(failure.description)
        throw ExitStatus.invalidInput
    } catch let error as CLIError {
        Terminal.writeError("error: \(error)")
        throw ExitStatus.invalidInput
    } catch let error as ResumePlanner.Failure {
        Terminal.writeError("error: \(error)")
        throw ExitStatus.invalidInput
    } catch let error as StateError {
        Terminal.writeError("error: \(error)")
        if case .locked = error { throw ExitStatus.busy }
        throw ExitStatus.internalError
    } catch let error as JournalError {
        Terminal.writeError("error: \(error)")
        throw ExitStatus.internalError
    } catch let error as RunDefinitions.Failure {
        Terminal.writeError("error: \(error)")
        throw ExitStatus.internalError
    }
}
