import Foundation

/// What every local child shares: the environment, program lookups, where outputs are written.
final class LocalRuntime: @unchecked Sendable {
    static let shared = LocalRuntime()

    /// rig's own environment without its secrets, inherited by children (as make and ninja do).
    let environment: [String]
    let bash: String
    /// Where output files go when the transport has no private folder (a run gives it one in its
    /// state folder): RAM (/dev/shm) when possible.
    private let outputDirectory: String
    private let path: [String]
    private let effectiveUser: String?
    // Guards `lookups` and `counter`.
    private let lock = NSLock()
    private var lookups: [String: String?] = [:]
    private var counter = 0

    private init() {
        let env = ProcessInfo.processInfo.environment
        environment = SecretEnvironment.withoutSecrets(env).map { "\($0.key)=\($0.value)" }
        path = (env["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        let shm = "/dev/shm"
        outputDirectory = access(shm, W_OK | X_OK) == 0 ? shm : (env["TMPDIR"] ?? "/tmp")
        effectiveUser = getpwuid(geteuid()).flatMap { $0.pointee.pw_name.map { String(cString: $0) } }
        bash = ["/bin/bash", "/usr/bin/bash"].first { access($0, X_OK) == 0 } ?? "/bin/bash"
    }

    /// The absolute path of a program found on PATH (or given with a slash), cached.
    func executable(named name: String) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        if let known = lock.withLock({ lookups[name] }) { return known }
        let found = path.lazy.map { "\($0)/\(name)" }.first { candidate in
            var info = stat()
            return stat(candidate, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && access(candidate, X_OK) == 0
        }
        lock.withLock { lookups[name] = found }
        return found
    }

    func isCurrentUser(_ user: String) -> Bool { user == effectiveUser }

    func newOutputPath(in directory: String? = nil) -> String {
        let n = lock.withLock {
            counter += 1
            return counter
        }
        return "\(directory ?? outputDirectory)/rig-\(getpid())-\(n)-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Creates the output file (0600, O_EXCL) so no one else can read or replace it; `owner` is
    /// the user the script runs as under sudo. Returns it open for appending; the caller closes it.
    func createOutputFile(_ path: String, owner: String?) throws(StepFailure) -> Int32 {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .failed("cannot create the output file \(path): \(errnoText())") }
        if let owner, !isCurrentUser(owner), let uid = UserDatabase.userID(owner) {
            _ = fchown(fd, uid, gid_t.max)
        }
        return fd
    }

    func readOutputFile(_ path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }
}
