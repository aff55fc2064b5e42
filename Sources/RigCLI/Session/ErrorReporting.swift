import ArgumentParser
import RigModel
import RigVersioning

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
    } catch let error as RevisionStoreError {
        Terminal.writeError("error: \(error)")
        throw error.exitStatus
    }
}
