import Foundation
import RigKit

/// The executable plugin `rig new-step NAME` writes: a Python program answering describe,
/// check and apply, ready to edit.
enum PluginScaffold {
    static func source(type: String) -> String {
        """
        #!/usr/bin/env python3
        \"\"\"rig-step-\(type): a rig step type (protocol \(PluginProtocol.version); see docs/plugins.md).

        rig runs this program on the control machine with one JSON request on stdin and reads one
        JSON reply from stdout. Write diagnostics to stderr: they go to the task's log.
        \"\"\"
        import json
        import shlex
        import sys

        PROTOCOL = \(PluginProtocol.version)


        def reply(**fields):
            json.dump({"protocol": PROTOCOL, **fields}, sys.stdout)
            sys.stdout.write("\\n")
            sys.exit(0)


        request = json.load(sys.stdin)
        mode = request["mode"]

        if mode == "describe":
            reply(
                status="ok",
                summary="TODO: one line for `rig steps`",
                schema={"parameters": [
                    {"name": "message", "type": "string", "required": True, "description": "TODO: what it means"},
                ]},
                # secrets=["NAME"],  # workflow secrets this plugin needs; no others are sent
            )

        params = request["parameters"]   # the step's `with:`, rendered, defaults filled in
        host = request["host"]           # name, address, roles, labels, vars, ...
        print(f"{mode} {request['step']['id']} on {host['name']}", file=sys.stderr)

        if mode == "check":
            # "ok": already done, apply is skipped. "changed": apply is needed.
            # Or return a script: rig runs it on the host; exit 0 means done.
            reply(status="changed")

        if mode == "apply":
            # Do the work here (on the control machine) and reply, or return a bash script that
            # rig runs on the target host through its own transport (SSH or local).
            # Lines `key=value` written to $RIG_OUTPUT become the step's outputs.
            script = f"echo {shlex.quote(params['message'])}"
            reply(status="changed", message="done", script=script)

        reply(status="failed", message=f"unknown mode {mode!r}")

        """
    }
}
