/// containerd's configuration as rig writes it: the whole `/etc/containerd/config.toml` for the
/// installed containerd major (config version 3 for containerd 2.x, version 2 for 1.x), with the
/// systemd cgroup driver for runc and registry hosts read from `/etc/containerd/certs.d`. Not a
/// `sed` over `containerd config default`: 2.x prints another format, and some 2.x releases print
/// no `SystemdCgroup` line at all. Drop-ins in `/etc/containerd/conf.d` (the NVIDIA runtime) are
/// imported.
enum ContainerdConfig {
    static let path = "/etc/containerd/config.toml"
    static let certsDirectory = "/etc/containerd/certs.d"

    /// containerd 2.x: config version 3 (CRI split into `io.containerd.cri.v1.images` and
    /// `io.containerd.cri.v1.runtime`).
    static let version3 = """
        # Written by rig (tator.prerequisites) for containerd 2.x: config version 3.
        version = 3
        imports = ['/etc/containerd/conf.d/*.toml']

        [plugins.'io.containerd.cri.v1.images'.registry]
          config_path = '\(certsDirectory)'

        [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
          runtime_type = 'io.containerd.runc.v2'

        [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
          SystemdCgroup = true

        """

    /// containerd 1.6/1.7: config version 2 (the CRI plugin is `io.containerd.grpc.v1.cri`).
    static let version2 = """
        # Written by rig (tator.prerequisites) for containerd 1.x: config version 2.
        version = 2
        imports = ["/etc/containerd/conf.d/*.toml"]

        [plugins."io.containerd.grpc.v1.cri".registry]
          config_path = "\(certsDirectory)"

        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
          runtime_type = "io.containerd.runc.v2"

        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          SystemdCgroup = true

        """

    /// Sets `$runc_section` and `$registry_section` (the TOML table headers `containerd config
    /// dump` prints for the installed major) from `containerd --version`.
    static let selectByMajor = """
        containerd_version=$(containerd --version | awk '{ print $3 }')
        case "${containerd_version#v}" in
          1.*)
            runc_section='[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]'
            registry_section='[plugins."io.containerd.grpc.v1.cri".registry]';;
          2.*)
            runc_section="[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]"
            registry_section="[plugins.'io.containerd.cri.v1.images'.registry]";;
          *) rig_fail "containerd $containerd_version: rig knows the configuration of containerd 1.x and 2.x only";;
        esac
        """

    /// A check: the effective configuration (`containerd config dump`) has SystemdCgroup = true
    /// for runc and the certs.d registry path, under the tables of the installed major.
    static let check = """
        \(selectByMajor)
        dump=$(containerd config dump 2>/dev/null)
        rig_toml_has "$runc_section" '^[[:space:]]*SystemdCgroup = true' <<< "$dump"
        rig_toml_has "$registry_section" "^[[:space:]]*config_path = [\\"']\(certsDirectory)[\\"']" <<< "$dump"
        """

    static let apply = """
        \(selectByMajor)
        if [[ $runc_section == *cri.v1.runtime* ]]; then
        \(Shell.heredoc("  rig_put \(path) 0644", version3))
        else
        \(Shell.heredoc("  rig_put \(path) 0644", version2))
        fi
        install -d -m 0755 /etc/containerd/conf.d
        systemctl restart containerd
        dump=$(containerd config dump 2>&1) || rig_fail "containerd refuses \(path): $(printf '%s' "$dump" | tail -3)"
        """
}
