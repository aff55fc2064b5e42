import CGit2

extension GitRepository {
    /// An integer from the repository's own config file (not the user's or the system's).
    func localConfigInt(_ name: String) throws -> Int? {
        try withLocalConfig { config in
            var value: Int64 = 0
            let code = git_config_get_int64(&value, config, name)
            if code == GIT_ENOTFOUND.rawValue { return nil }
            try gitCheck(code, "read config \(name)")
            return Int(value)
        }
    }

    func setLocalConfigInt(_ name: String, _ value: Int) throws {
        try withLocalConfig { config in
            try gitCheck(git_config_set_int64(config, name, Int64(value)), "write config \(name)")
        }
    }

    private func withLocalConfig<T>(_ body: (OpaquePointer?) throws -> T) throws -> T {
        var all: OpaquePointer?
        try gitCheck(git_repository_config(&all, pointer), "open config of \(path)")
        defer { git_config_free(all) }
        var local: OpaquePointer?
        try gitCheck(git_config_open_level(&local, all, GIT_CONFIG_LEVEL_LOCAL), "open config of \(path)")
        defer { git_config_free(local) }
        return try body(local)
    }
}
