import CGit2

extension GitRepository {
    /// Paths (relative to the working tree) that differ from HEAD: staged, unstaged or untracked
    /// (ignored files excluded; an untracked folder as `folder/`), like `git status --porcelain`.
    /// Reads only: the index is not refreshed on disk.
    func changedPaths() throws -> [String] {
        var options = git_status_options()
        try gitCheck(git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION)), "prepare status options")
        options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        // Untracked folders are reported once, not walked: rig's own `.rig` folder holds the
        // store's thousands of objects.
        options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_EXCLUDE_SUBMODULES.rawValue
        var list: OpaquePointer?
        try gitCheck(git_status_list_new(&list, pointer, &options), "read status of \(path)")
        defer { git_status_list_free(list) }
        return (0..<git_status_list_entrycount(list)).compactMap { index in
            guard let entry = git_status_byindex(list, index)?.pointee else { return nil }
            let delta = entry.index_to_workdir ?? entry.head_to_index
            guard let file = delta?.pointee.new_file.path ?? delta?.pointee.old_file.path else { return nil }
            return String(cString: file)
        }
    }
}
