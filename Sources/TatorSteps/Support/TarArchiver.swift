import Foundation
import RigKit

/// Packs a local folder with the system's `tar` (run once per upload, so Foundation.Process's
/// slow wait does not matter; tar leaves no children behind to hold a pipe).
enum TarArchiver {
    static func archive(folder: String) throws -> Data {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("rig-tator-source-\(UUID().uuidString).tar")
        defer { try? FileManager.default.removeItem(at: output) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tar", "-C", folder, "-cf", output.path, "."]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let data = FileManager.default.contents(atPath: output.path) else {
            throw StepFailure.failed("could not pack tatorSource '\(folder)' with tar: \(String(decoding: message, as: UTF8.self))")
        }
        return data
    }
}
