import Foundation
import RigKit
import RigModel
import RigSSH
import RigTestSupport
import Testing

/// Uploads travel on stdin into a temporary file beside the target, get their owner and mode,
/// and are renamed over the target: readers see the old file or the new one, never a mix.
@Suite("Uploads over SSH")
struct SSHUploadTests {
    private func stat(_ path: String) throws -> (mode: UInt16, uid: UInt32, gid: UInt32, inode: UInt64) {
        var info = Glibc.stat()
        guard lstat(path, &info) == 0 else { throw FixtureError("cannot stat \(path)") }
        return (UInt16(info.st_mode & 0o7777), info.st_uid, info.st_gid, UInt64(info.st_ino))
    }

    @Test func anUploadWritesTheBytesWithItsModeAndReplacesTheTargetByRename() throws {
        let bed = try SSHTestBed()
        let folder = bed.fixture.directory + "/uploads/with space and 'quote'"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let target = folder + "/config $(x).yaml"
        try Data("old contents\n".utf8).write(to: URL(fileURLWithPath: target))
        // A reader that opened the old file before the upload (a hard link keeps its inode).
        try FileManager.default.linkItem(atPath: target, toPath: folder + "/held-open")
        let before = try stat(target)

        let content = Array("key: \"value with 'quotes' and $(sub)\"\n\u{0}binary\u{1}\n".utf8)
        try bed.transport().upload(
            FileUpload(path: target, content: content, mode: 0o640), log: RecordingLog(), cancellation: CancellationToken())

        #expect(try Array(Data(contentsOf: URL(fileURLWithPath: target))) == content)
        let after = try stat(target)
        #expect(after.mode == 0o640)
        #expect(after.inode != before.inode)
        #expect(try String(contentsOfFile: folder + "/held-open", encoding: .utf8) == "old contents\n")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(".rig-upload") }
        #expect(leftovers.isEmpty)
    }

    @Test(.enabled(if: getuid() == 0, "chown to another user needs root"))
    func anUploadSetsTheOwnerAndGroup() throws {
        let bed = try SSHTestBed()
        let target = bed.fixture.directory + "/owned"
        try bed.transport().upload(
            FileUpload(path: target, content: Array("x".utf8), mode: 0o600, owner: "nobody", group: "nogroup"),
            log: RecordingLog(), cancellation: CancellationToken())
        let info = try stat(target)
        #expect(info.mode == 0o600)
        #expect(info.uid == getpwnam("nobody").pointee.pw_uid)
        #expect(info.gid == getgrnam("nogroup").pointee.gr_gid)
    }

    @Test func aFailedUploadLeavesTheTargetAsItWasAndNoTemporaryFile() throws {
        let bed = try SSHTestBed()
        let folder = bed.fixture.directory + "/unchanged"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let target = folder + "/file"
        try Data("original\n".utf8).write(to: URL(fileURLWithPath: target))
        let log = RecordingLog()
        let failure = try #require(throws: StepFailure.self) {
            try bed.transport().upload(
                FileUpload(path: target, content: Array("replacement\n".utf8), owner: "no-such-user-rig"),
                log: log, cancellation: CancellationToken())
        }
        #expect(failure.description.contains("could not write \(target)"))
        #expect(log.text.contains("no-such-user-rig"))
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "original\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["file"])
    }

    @Test func anUploadCreatesMissingParentFolders() throws {
        let bed = try SSHTestBed()
        let target = bed.fixture.directory + "/new/deeper/file"
        try bed.transport().upload(
            FileUpload(path: target, content: Array("hi".utf8), mode: 0o755), log: RecordingLog(), cancellation: CancellationToken())
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "hi")
        #expect(try stat(target).mode == 0o755)
    }
}
