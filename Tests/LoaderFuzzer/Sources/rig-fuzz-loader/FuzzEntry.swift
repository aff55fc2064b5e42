import Foundation
import RigCLI
import RigKit

/// One fuzz input: the bytes as a workflow file, loaded and validated with the shipped step types.
/// A crash, a hang or a problem without a file:line location is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLoader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = FuzzScratch.path
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes: data, count: size)) else { return 0 }
    let registry = StepTypeRegistry.standard
    do {
        let workflow = try WorkflowLoader(registry: registry).load(workflowAt: path)
        for problem in Validator(registry: registry).validate(workflow, inputs: nil) where problem.location == nil {
            fatalError("a validation problem without a location: \(problem)")
        }
    } catch {
        for problem in error.diagnostics where problem.location == nil {
            fatalError("a load problem without a location: \(problem)")
        }
    }
    return 0
}

/// A per-process file in shared memory, so inputs cost no disk writes.
enum FuzzScratch {
    static let path = "/dev/shm/rig-fuzz-\(getpid()).yaml"
}
