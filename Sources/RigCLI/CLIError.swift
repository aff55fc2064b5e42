import ArgumentParser
import Foundation

/// Errors the command line reports itself, each saying what to do next.
enum CLIError: Error, CustomStringConvertible {
    case unknownStepType(String, known: [String])
    case fileNotFound(String, what: String)
    case invalidFlag(String, String)

    var description: String {
        switch self {
        case .unknownStepType(let name, let known):
            return "unknown step type '\(name)'; available: \(known.joined(separator: ", "))"
        case .fileNotFound(let path, let what):
            return
                "\(what) '\(path)' does not exist; check the path (relative paths are resolved from \(FileManager.default.currentDirectoryPath))"
        case .invalidFlag(let flag, let why):
            return "\(flag): \(why)"
        }
    }
}
