import ArgumentParser
import Foundation
import RigKit

/// The `rig` command line as a library: the `rig` executable calls `RigCLI.main()`, and a Swift
/// package that registers its own step types starts the same CLI with them.
public enum RigCLI {
    /// Parses `arguments` (default: the process's) and runs the command; exits the process.
    public static func main(stepTypes: StepTypeRegistry = .standard, arguments: [String]? = nil) -> Never {
        Toolbox.install(stepTypes: stepTypes)
        RigCommand.main(arguments)
        exit(0)
    }
}
