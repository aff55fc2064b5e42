import CGit2

extension GitRepository {
    /// Commits reachable from `start`, newest first: topological order with time order among
    /// unrelated commits (`git log --date-order`).
    func walk(from start: ObjectID) throws -> [ObjectID] {
        var walker: OpaquePointer?
        try gitCheck(git_revwalk_new(&walker, pointer), "start history walk")
        defer { git_revwalk_free(walker) }
        // Both flags in one call: a second call would replace the first.
        try gitCheck(git_revwalk_sorting(walker, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue), "sort history walk")
        var startOID = start.oid
        try gitCheck(git_revwalk_push(walker, &startOID), "walk history from \(start.short)")
        var result: [ObjectID] = []
        var oid = git_oid()
        while true {
            let code = git_revwalk_next(&oid, walker)
            if code == GIT_ITEROVER.rawValue { break }
            try gitCheck(code, "walk history")
            result.append(ObjectID(oid))
        }
        return result
    }
}
