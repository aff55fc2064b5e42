import CGit2
import Foundation

/// Who made a commit, and when.
public struct Signature: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var email: String
    /// When signing, nil means now.
    public var date: Date?
    /// Minutes east of UTC, as recorded in the commit.
    public var timeZoneOffsetMinutes: Int

    public init(name: String, email: String, date: Date? = nil, timeZoneOffsetMinutes: Int? = nil) {
        self.name = name
        self.email = email
        self.date = date
        self.timeZoneOffsetMinutes = timeZoneOffsetMinutes ?? TimeZone.current.secondsFromGMT(for: date ?? Date()) / 60
    }

    init(_ signature: UnsafePointer<git_signature>) {
        let s = signature.pointee
        self.init(
            name: String(cString: s.name), email: String(cString: s.email),
            date: Date(timeIntervalSince1970: TimeInterval(s.when.time)),
            timeZoneOffsetMinutes: Int(s.when.offset))
    }

    /// `Name <email>`.
    public var description: String { "\(name) <\(email)>" }

    /// A libgit2 signature for this value; the caller frees it with `git_signature_free`.
    func makeGitSignature() throws -> UnsafeMutablePointer<git_signature> {
        GitLibrary.ensureInitialized()
        var out: UnsafeMutablePointer<git_signature>?
        if let date {
            try gitCheck(
                git_signature_new(&out, name, email, git_time_t(date.timeIntervalSince1970.rounded(.down)), Int32(timeZoneOffsetMinutes)),
                "create signature \(self)")
        } else {
            try gitCheck(git_signature_now(&out, name, email), "create signature \(self)")
        }
        return out!
    }
}
