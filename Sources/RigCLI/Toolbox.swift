import Foundation
import RigKit

/// What the commands share for one process: the step types the CLI was started with.
/// ArgumentParser builds commands statically, so this is set once before parsing.
enum Toolbox {
    // Written once by `RigCLI.main` before any command runs; read afterwards.
    private static let lock = NSLock()
    nonisolated(unsafe) private static var registry: StepTypeRegistry?

    static func install(stepTypes: StepTypeRegistry) {
        lock.withLock { registry = stepTypes }
    }

    static var stepTypes: StepTypeRegistry {
        lock.withLock { registry ?? .standard }
    }
}
