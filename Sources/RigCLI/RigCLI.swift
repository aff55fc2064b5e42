import ArgumentParser
import Foundation
import RigKit

/// The `rig` command line as a library: the `rig` executable calls `RigCLI.main()`, and a Swift
/// package that registers its own step types starts the same CLI with them.
public enum RigCLI {
    /// Parses `arguments` (default: the process's) and runs the command; exits the process.
    public static func main(stepTypes: StepTypeRegistry = .standard, arguments: [String]? = nil) -> Never {
        ignoreBrokenPipes()
        Toolbox.install(stepTypes: stepTypes)
        var command: ParsableCommand
        do {
            command = try RigCommand.parseAsRoot(arguments)
        } catch {
            // An unknown flag or a bad value is invalid input like a bad workflow: exit 2, as
            // documented, rather than ArgumentParser's 64. Help and --version exit 0 as usual.
            guard RigCommand.exitCode(for: error) == .validationFailure else { RigCommand.exit(withError: error) }
            Terminal.writeError(RigCommand.fullMessage(for: error))
            exit(ExitStatus.invalidInput.rawValue)
        }
        do {
            try command.run()
        } catch {
            RigCommand.exit(withError: error)
        }
        exit(0)
    }

    /// Runs one command with `stepTypes` and returns its exit code instead of exiting (for
    /// tests and programs that embed rig). Output goes to the process's stdout and stderr.
    public static func run(stepTypes: StepTypeRegistry = .standard, arguments: [String]) -> Int32 {
        ignoreBrokenPipes()
        Toolbox.install(stepTypes: stepTypes)
        do {
            var command = try RigCommand.parseAsRoot(arguments)
            try command.run()
            return 0
        } catch {
            let code = RigCommand.exitCode(for: error).rawValue
            if code != 0 { Terminal.writeError(RigCommand.fullMessage(for: error)) }
            return code
        }
    }

    /// Output whose reader is gone (`rig run … | head`) makes writes fail with EPIPE instead of
    /// killing rig mid-run; each writer decides what a lost output means.
    private static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }
}
