import Crypto
import OrderedCollections

/// What a run's result depends on besides secrets: the content of every file the workflow was
/// assembled from (workflow, overlays, inventory, inputs files) and the settings that change
/// results (input values, rig's version, the fingerprint scheme). Equal keys mean an equal
/// resolved workflow, so a finished run can be recognized without parsing YAML.
public struct CacheKey: Sendable, Hashable {
    public var sourceFiles: [RunManifest.SourceFile]
    /// SHA-256 (hex) over the settings, keys sorted.
    public var settingsDigest: String

    public init(sourceFiles: [RunManifest.SourceFile], settingsDigest: String) {
        self.sourceFiles = sourceFiles
        self.settingsDigest = settingsDigest
    }

    /// Hashes the files' current content and the settings.
    public static func compute(files: [String], settings: OrderedDictionary<String, String>) throws(StateError) -> CacheKey {
        var hashed: [RunManifest.SourceFile] = []
        hashed.reserveCapacity(files.count)
        for file in files {
            let path = PosixFile.absolute(file)
            hashed.append(.init(path: path, sha256: Hex.encode(Array(SHA256.hash(data: try PosixFile.read(path))))))
        }
        return CacheKey(sourceFiles: hashed, settingsDigest: digest(of: settings))
    }

    /// The key of the same files and settings now; nil when a file is gone.
    public func recomputed(settings: OrderedDictionary<String, String>) -> CacheKey? {
        try? Self.compute(files: sourceFiles.map(\.path), settings: settings)
    }

    /// One digest for the whole key, as `workflow.resolved` stores it.
    public var digest: [UInt8] {
        var w = ByteWriter()
        w.string("rig.cachekey.v1")
        w.varint(Fingerprint.schemeVersion)
        w.varint(sourceFiles.count)
        for file in sourceFiles {
            w.string(file.path)
            w.string(file.sha256)
        }
        w.string(settingsDigest)
        return Array(SHA256.hash(data: w.bytes))
    }

    static func digest(of settings: OrderedDictionary<String, String>) -> String {
        var w = ByteWriter()
        w.varint(Fingerprint.schemeVersion)
        w.varint(settings.count)
        for (key, value) in CanonicalEncoding.sortedByUTF8(settings) {
            w.string(key)
            w.string(value)
        }
        return Hex.encode(Array(SHA256.hash(data: w.bytes)))
    }
}
