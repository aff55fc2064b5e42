import CGit2

extension GitRepository {
    /// The commit a revision expression names: anything libgit2's revparse accepts
    /// (`HEAD`, `HEAD~1`, `main^`, a tag, a full or short id), peeled to a commit.
    func resolveCommit(_ spec: String) throws -> ObjectID {
        var object: OpaquePointer?
        try gitCheck(git_revparse_single(&object, pointer, spec), "resolve revision '\(spec)'")
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        try gitCheck(git_object_peel(&commit, object, GIT_OBJECT_COMMIT), "resolve revision '\(spec)' to a commit")
        defer { git_object_free(commit) }
        return ObjectID(git_object_id(commit))
    }

    /// The id a reference resolves to, or nil when it does not exist (or HEAD is unborn).
    func referenceTarget(_ name: String) throws -> ObjectID? {
        var oid = git_oid()
        let code = git_reference_name_to_id(&oid, pointer, name)
        if code == GIT_ENOTFOUND.rawValue || code == GIT_EUNBORNBRANCH.rawValue { return nil }
        try gitCheck(code, "read reference \(name)")
        return ObjectID(oid)
    }

    /// The reference a symbolic reference (such as HEAD) points to, nil when it is direct.
    func symbolicTarget(_ name: String) throws -> String? {
        var reference: OpaquePointer?
        try gitCheck(git_reference_lookup(&reference, pointer, name), "read reference \(name)")
        defer { git_reference_free(reference) }
        return git_reference_symbolic_target(reference).map { String(cString: $0) }
    }

    /// Points `name` at `id` only if it still points at `expected` (nil: only if it does not exist
    /// yet). A lost race throws `GitError.concurrentUpdate` or `.alreadyExists` and changes nothing.
    func updateReference(_ name: String, to id: ObjectID, expecting expected: ObjectID?, logMessage: String) throws {
        var newOID = id.oid
        var reference: OpaquePointer?
        let code: Int32
        if let expected {
            var currentOID = expected.oid
            code = git_reference_create_matching(&reference, pointer, name, &newOID, 1, &currentOID, logMessage)
        } else {
            code = git_reference_create_matching(&reference, pointer, name, &newOID, 0, nil, logMessage)
        }
        try gitCheck(code, "update \(name)")
        git_reference_free(reference)
    }

    /// References matching a glob such as `refs/tags/*`, with the commit each peels to.
    func references(matching glob: String) throws -> [(name: String, target: ObjectID)] {
        var iterator: OpaquePointer?
        try gitCheck(git_reference_iterator_glob_new(&iterator, pointer, glob), "list references \(glob)")
        defer { git_reference_iterator_free(iterator) }
        var result: [(name: String, target: ObjectID)] = []
        while true {
            var reference: OpaquePointer?
            let code = git_reference_next(&reference, iterator)
            if code == GIT_ITEROVER.rawValue { break }
            try gitCheck(code, "list references \(glob)")
            defer { git_reference_free(reference) }
            let name = String(cString: git_reference_name(reference))
            var peeled: OpaquePointer?
            guard git_reference_peel(&peeled, reference, GIT_OBJECT_COMMIT) == 0 else { continue }
            defer { git_object_free(peeled) }
            result.append((name, ObjectID(git_object_id(peeled))))
        }
        return result
    }
}

extension GitRepository {
    /// Whether `name` is a well-formed full reference name (`refs/tags/prod-2026-11`).
    static func isValidReferenceName(_ name: String) -> Bool {
        GitLibrary.ensureInitialized()
        var valid: Int32 = 0
        return git_reference_name_is_valid(&valid, name) == 0 && valid == 1
    }
}
