import Foundation
import Testing

@testable import RigKit

@Suite struct AtomicFileTests {
    @Test func replacesTheWholeContent() throws {
        let dir = ScratchDirectory()
        try AtomicFile.write("first version, rather long\n", to: dir.file("f"))
        try AtomicFile.write("second\n", to: dir.file("f"))
        #expect(String(decoding: readBytes(dir.file("f")), as: UTF8.self) == "second\n")
        #expect(try PosixFile.list(dir.path) == ["f"], "no temporary file left behind")
    }

    @Test func aWriteCutShortBeforeTheRenameLeavesTheOldContentAndNoLitter() throws {
        let dir = ScratchDirectory()
        try AtomicFile.write("old\n", to: dir.file("f"))
        #expect(throws: StateError.self) {
            try AtomicFile.write(Array("new\n".utf8), to: dir.file("f"), mode: 0o644) { () throws(StateError) in
                throw StateError.io(operation: "simulated crash", path: dir.file("f"), errno: EIO)
            }
        }
        #expect(String(decoding: readBytes(dir.file("f")), as: UTF8.self) == "old\n")
        #expect(try PosixFile.list(dir.path) == ["f"])
    }

    @Test func aConcurrentReaderSeesEitherTheOldOrTheNewContentNeverAMix() throws {
        let dir = ScratchDirectory()
        let old = [UInt8](repeating: UInt8(ascii: "o"), count: 200_000)
        let new = [UInt8](repeating: UInt8(ascii: "n"), count: 3)
        try AtomicFile.write(old, to: dir.file("f"))
        let path = dir.file("f")
        let done = ManagedAtomicFlag()
        let reader = Thread {
            var reads = 0
            while !done.isSet || reads < 50 {
                let bytes = readBytes(path)
                precondition(bytes == old || bytes == new, "saw a mix of \(bytes.count) bytes")
                reads += 1
            }
        }
        reader.start()
        for i in 0..<200 { try AtomicFile.write(i.isMultiple(of: 2) ? new : old, to: path) }
        done.set()
        while !reader.isFinished { usleep(1000) }
    }

    @Test func aMissingFolderIsAClearError() {
        #expect {
            try AtomicFile.write("x", to: "/nonexistent-rig-folder/f")
        } throws: { error in
            "\(error)".contains("cannot open /nonexistent-rig-folder/")
        }
    }
}

/// A flag one thread sets and another polls.
final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
