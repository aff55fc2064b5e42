/// One condition a step makes true on a host: side-effect-free `checks` that all exit 0 when it
/// already holds, and an `apply` that makes it hold. Steps list these; `ScriptBuilder` turns the
/// list into the plan's check (all hold) and its apply script (fix each one that does not, then
/// check it again).
struct Ensure: Sendable, Hashable {
    var what: String
    /// Each entry is one test (possibly several lines, e.g. a here-document); its last command's
    /// status counts. All must pass.
    var checks: [String]
    var apply: String

    init(_ what: String, checks: [String], apply: String) {
        self.what = what
        self.checks = checks
        self.apply = apply
    }

    init(_ what: String, check: String, apply: String) {
        self.init(what, checks: [check], apply: apply)
    }

    /// The tests chained with `&&` (bash ignores `set -e` inside conditions, so each one is
    /// chained explicitly), as one compound command.
    var condition: String {
        let parts = checks.map { check in
            if check.contains("\n") { return "{\n\(check)\n}" }
            return check.contains("||") || check.contains(";") ? "{ \(check); }" : check
        }
        return "{ " + parts.joined(separator: " \\\n  && ") + "; }"
    }

    /// A file with exactly this content and mode (written atomically, only when it differs).
    static func file(_ path: String, mode: String = "0644", content: String, then followUp: String = "") -> Ensure {
        Ensure(
            "\(path) is in place",
            checks: [
                Shell.heredoc("cmp -s - \(Shell.quote(path))", content),
                "[ \"$(stat -c %a \(Shell.quote(path)))\" = \(String(mode.drop { $0 == "0" })) ]",
            ],
            apply: Shell.heredoc("rig_put \(Shell.quote(path)) \(mode)", content) + (followUp.isEmpty ? "" : "\n" + followUp)
        )
    }

    /// A Kubernetes namespace exists.
    static func namespace(_ name: String) -> Ensure {
        Ensure("the \(name) namespace exists", check: "kubectl get namespace \(name)", apply: "kubectl create namespace \(name)")
    }

    /// A manifest URL applied with kubectl; a marker file under rig's state folder remembers which
    /// URL was applied, so a changed URL is applied again.
    static func manifest(_ what: String, url: String, marker: String, namespace: String? = nil) -> Ensure {
        let path = "\(TatorLayout.stateDirectory)/\(marker)"
        let q = Shell.quote
        return Ensure(
            what, check: "grep -qxF \(q(url)) \(path)",
            apply:
                "kubectl apply \(namespace.map { "-n \($0) " } ?? "")-f \(q(url))\nmkdir -p \(TatorLayout.stateDirectory)\necho \(q(url)) > \(path)"
        )
    }

    /// Debian packages installed (at a version when given as `name=version`), some held. The
    /// package lists are fetched first (`apt-get update`): a fresh host has none, and a list
    /// fetched before a repository was added does not know that repository's packages.
    static func packages(_ what: String, _ packages: [String], hold: [String] = []) -> Ensure {
        let checks = packages.map { spec -> String in
            let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
            return parts.count == 2 ? "rig_has_pkg \(Shell.quote(parts[0])) \(Shell.quote(parts[1]))" : "rig_has_pkg \(Shell.quote(spec))"
        }
        let holdChecks = hold.map { "apt-mark showhold | grep -qx \(Shell.quote($0))" }
        var apply =
            "rig_apt update\nrig_apt install --allow-downgrades --allow-change-held-packages "
            + packages.map(Shell.quote).joined(separator: " ")
        if !hold.isEmpty { apply += "\napt-mark hold " + hold.map(Shell.quote).joined(separator: " ") }
        return Ensure(what, checks: checks + holdChecks, apply: apply)
    }
}
