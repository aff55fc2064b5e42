import RigKit
import RigModel

/// `tator.nfs-server`: on the NFS host, the share and its folders (nobody:nogroup, 777), the two
/// `/etc/exports` lines for the share and `scratch` opened to the LAN (edited by `ExportsEditor`:
/// other lines kept, never duplicated; the file uploaded atomically), the exports reloaded and
/// the server restarted; then every node must see the exports with `showmount -e`.
public struct NFSServerStep: StepType {
    public init() {}

    public let name = "tator.nfs-server"
    public let summary = "Set up the NFS share, its folders and /etc/exports for the LAN; verify every node sees the exports"

    public let schema = ParameterSchema([
        .init("lanCIDR", .cidr, required: true, description: "The LAN the share is exported to, e.g. 192.168.1.0/24"),
        .init("sharePath", .path, default: TatorLayout.share, description: "The exported folder"),
        .init("exportOptions", .string, default: "rw,async,no_subtree_check", description: "Export options of both lines"),
        CommonParameters.nfsServer, CommonParameters.nfsRole, CommonParameters.nodeRoles,
    ])

    /// What `rig plan` shows in place of the host's current /etc/exports lines.
    static let displayedOtherLines = "# (the other lines of this host's /etc/exports are kept here as they are)\n"

    public func plan(_ invocation: StepInvocation) throws -> TaskPlan {
        try plan(invocation, currentExports: Self.displayedOtherLines)
    }

    public func execute(_ invocation: StepInvocation, context: any TaskContext) throws -> TaskResult {
        let current = try RemoteFiles.read(["/etc/exports"], context: context)[0].content ?? ""
        return try context.run(plan(invocation, currentExports: current), invocation: invocation)
    }

    func editor(_ p: Parameters) throws -> ExportsEditor {
        let lanText = try p.required("lanCIDR")
        guard let lan = IPv4Network(lanText) else {
            throw StepFailure.failed("lanCIDR '\(lanText)' is not an IPv4 network such as 192.168.1.0/24")
        }
        let share = p.string("sharePath")
        guard share.hasPrefix("/"), !share.contains(where: \.isWhitespace) else {
            throw StepFailure.failed("sharePath '\(share)' must be an absolute path without spaces")
        }
        return .tator(share: share, lan: lan.description, options: p.string("exportOptions"))
    }

    func plan(_ invocation: StepInvocation, currentExports: String) throws -> TaskPlan {
        let p = Parameters(invocation, schema)
        let editor = try editor(p)
        let exports = editor.apply(to: currentExports)
        let share = p.string("sharePath")
        let folders = [share] + TatorLayout.shareFolders.map { share + "/" + $0 }
        let quoted = folders.map(Shell.quote).joined(separator: " ")
        let paths = editor.exports.map(\.path)

        let serverReady: [Ensure] = [
            .packages("the NFS server is installed", ["nfs-kernel-server"]),
            Ensure(
                "the share and its folders exist, owned by nobody:nogroup with mode 777",
                check:
                    "[ -z \"$(for d in \(quoted); do [ -d \"$d\" ] && [ \"$(stat -c '%U:%G %a' \"$d\")\" = 'nobody:nogroup 777' ] || echo \"$d\"; done)\" ]",
                apply: "mkdir -p \(quoted)\nchown nobody:nogroup \(quoted)\nchmod 777 \(quoted)"),
        ]
        let exportsInPlace = Ensure(
            "/etc/exports holds the share and scratch lines",
            check: Shell.heredoc("cmp -s - /etc/exports", exports), apply: "")
        let exported = paths.map { "showmount -e localhost | grep -q \(Shell.quote("^" + $0 + " "))" }
        let exportsActive = Ensure("the NFS server exports both folders", checks: exported, apply: "")

        let check = serverReady + [exportsInPlace, exportsActive]
        var actions: [TaskPlan.Action] = [
            .run(Command(ScriptBuilder.apply(serverReady), become: true, summary: "install the NFS server and make the share's folders")),
            .upload(FileUpload(path: "/etc/exports", text: exports, mode: 0o644, owner: "root", group: "root", become: true)),
            .run(
                Command(
                    ScriptBuilder.script(
                        """
                        exportfs -ra
                        systemctl restart nfs-kernel-server
                        rig_wait 60 'the NFS server to export \(paths.joined(separator: " and "))' bash -c \(Shell.quote(exported.joined(separator: " && ")))
                        """), become: true, summary: "reload the exports and restart the NFS server")),
        ]
        let server = try CommonParameters.nfsAddress(p)
        for node in CommonParameters.cluster(p).nodes {
            let sees = paths.map { "grep -q \(Shell.quote("^" + $0 + " ")) <<< \"$list\"" }.joined(separator: " && ")
            actions.append(
                .run(
                    Command(
                        ScriptBuilder.script(
                            """
                            list=$(showmount -e \(Shell.quote(server)) 2>&1) || rig_fail "node \(node.name) cannot query the NFS server \(server): $list (is nfs-common installed and are ports 111 and 2049 open?)"
                            \(sees) || rig_fail "node \(node.name) does not see \(paths.joined(separator: " and ")) in the exports of \(server): $list (does lanCIDR cover \(node.address)?)"
                            """), become: true, delegateTo: node.name, summary: "node \(node.name) sees the exports")))
        }
        return TaskPlan(check: Command(ScriptBuilder.check(check), become: true, summary: "is the NFS share exported?"), actions: actions)
    }
}
