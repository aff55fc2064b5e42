"""The NFS server side shared by exportfs and systemctl: /etc/exports parsed, the export table kept
in this host's state and published in the cluster state by address, so showmount on any host of
the lab answers from this host's exports."""
import glob
import os

import _riglab as lab


def parse_exports():
    entries, warnings = [], []
    for path in ["/etc/exports"] + sorted(glob.glob("/etc/exports.d/*.exports")):
        try:
            with open(path) as f:
                text = f.read().replace("\\\n", " ")
        except FileNotFoundError:
            continue
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            fields = line.split()
            folder, clients = fields[0].strip('"'), []
            for c in fields[1:]:
                host, _, opts = c.partition("(")
                clients.append({"host": host or "*", "options": opts.rstrip(")")})
            if not os.path.isdir(folder):
                warnings.append(f"exportfs: Failed to stat {folder}: No such file or directory")
                continue
            entries.append({"path": folder, "clients": clients})
    return entries, warnings


def publish(h, serving=None, reexport=False):
    """Writes this host's export table (re-read from /etc/exports when `reexport`) to the lab state."""
    warnings = []
    if reexport:
        h["exports"], warnings = parse_exports()
    if serving is not None:
        h["nfsServing"] = serving
    with lab.cluster() as c:
        c["exports"][lab.host_address()] = {"host": lab.host_name(), "serving": h.get("nfsServing", False),
                                            "exports": h.get("exports", [])}
    return warnings
