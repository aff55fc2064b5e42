"""argo, as the workflow installs it (curl serves it): version, list, submit (records the
workflow as Succeeded), get. Needs the cluster's Argo manifest applied for anything but version."""
import sys
import time

import _riglab as lab


def main(version):
    def handler(argv):
        words = [a for a in argv if not a.startswith("-")]
        if not words or words[0] == "version":
            print(f"argo: {version}\n  BuildDate: 2023-08-31T00:00:00Z\n  Platform: linux/amd64")
            return 0
        state = lab.connected_cluster()
        if not any("argo" in m["source"] for m in state["manifests"]):
            raise lab.ToolError('the server could not find the requested resource (get workflows.argoproj.io)', 1)
        if words[0] == "list":
            print("NAME   STATUS   AGE   DURATION   PRIORITY")
            for w in state.get("objects", {}).values():
                if w.get("kind") == "Workflow":
                    print(f"{w['metadata']['name']}   Succeeded   1m   1s   0")
            return 0
        if words[0] == "submit":
            with lab.cluster() as c:
                name = f"rig-lab-{lab.suffix(str(time.time()), 5)}"
                c["objects"][f"Workflow/argo/{name}"] = {"kind": "Workflow", "metadata": {"name": name}}
            print(f"Name:                {name}\nStatus:              Succeeded")
            return 0
        raise lab.ToolError(f"rig lab: argo {words[0]}: not simulated", 1)

    lab.run("argo", handler)
