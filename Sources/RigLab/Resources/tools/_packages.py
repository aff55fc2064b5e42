"""The lab's package world for apt-get, apt-cache, apt-mark, dpkg and dpkg-query: which packages
exist, in which repository, at which versions, and what installing one does to the host (units,
groups, default config files). Nothing is downloaded; installs are recorded in host.json."""
import glob
import os
import subprocess
import time

import _riglab as lab

DOCKER_REPO = "https://download.docker.com/linux/ubuntu"
K8S_REPO = "https://pkgs.k8s.io/core:/stable:/"
LEGACY_K8S_REPO = "apt.kubernetes.io"

# name: (repository URL fragment or None for the Ubuntu archive, [versions, newest last], depends)
CATALOGUE = {
    "docker-ce": (DOCKER_REPO, ["5:19.03.12~3-0~ubuntu-focal", "5:24.0.7-1~ubuntu.20.04~focal"], ["docker-ce-cli", "containerd.io"]),
    "docker-ce-cli": (DOCKER_REPO, ["5:19.03.12~3-0~ubuntu-focal", "5:24.0.7-1~ubuntu.20.04~focal"], []),
    "containerd.io": (DOCKER_REPO, ["1.6.26-1"], []),
    "kubelet": (K8S_REPO, None, ["kubernetes-cni"]),
    "kubeadm": (K8S_REPO, None, ["kubelet", "kubectl", "cri-tools"]),
    "kubectl": (K8S_REPO, None, []),
    "kubernetes-cni": (K8S_REPO, None, []),
    "cri-tools": (K8S_REPO, None, []),
    "nfs-kernel-server": (None, ["1:1.3.4-2.5ubuntu3.7"], ["nfs-common"]),
    "nfs-common": (None, ["1:1.3.4-2.5ubuntu3.7"], []),
    "python3-pip": (None, ["20.0.2-5ubuntu1.10"], []),
    "make": (None, ["4.2.1-1.2"], []),
    "nodejs": (None, ["10.19.0~dfsg-3ubuntu1.6"], []),
    "npm": (None, ["6.14.4+ds-1ubuntu2"], ["nodejs"]),
}
# Packages named in the workflow that the Ubuntu archive no longer or never had on focal.
MISSING = {"docker-engine"}

UNITS = {"containerd.io": ["containerd"], "docker-ce": ["docker"], "nfs-kernel-server": ["nfs-kernel-server"],
         "kubelet": ["kubelet"], "openssh-server": ["ssh"]}
GROUPS = {"docker-ce": ["docker"]}

CONTAINERD_PACKAGED_CONFIG = '''#   Copyright 2018-2022 Docker Inc.
#   (the configuration containerd.io ships: the CRI plugin is disabled, as in the real package)
disabled_plugins = ["cri"]

#root = "/var/lib/containerd"
#state = "/run/containerd"
'''

EXPORTS_PACKAGED = '''# /etc/exports: the access control list for filesystems which may be exported
#\t\tto NFS clients.  See exports(5).
#
# Example for NFSv2 and NFSv3:
# /srv/homes       hostname1(rw,sync,no_subtree_check) hostname2(ro,sync,no_subtree_check)
#
# Example for NFSv4:
# /srv/nfs4        gss/krb5i(rw,sync,fsid=0,crossmnt,no_subtree_check)
# /srv/nfs4/homes  gss/krb5i(rw,sync,no_subtree_check)
#
'''


def source_lines():
    lines = []
    for path in ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list")):
        try:
            with open(path) as f:
                lines += [l.strip() for l in f if l.strip().startswith("deb ")]
        except FileNotFoundError:
            pass
    return lines


def k8s_minor(line):
    """'v1.24' from a pkgs.k8s.io line."""
    rest = line.split(K8S_REPO, 1)[1]
    return rest.split("/", 1)[0]


def update(h):
    """apt-get update: the repositories the sources name become known (the legacy Kubernetes one fails)."""
    known, errors = [], []
    for line in source_lines():
        if LEGACY_K8S_REPO in line:
            errors.append("E: The repository 'https://apt.kubernetes.io kubernetes-xenial Release' does not have a Release file.")
        elif DOCKER_REPO in line:
            if has_key(line):
                known.append(DOCKER_REPO)
            else:
                errors.append(f"W: GPG error: {DOCKER_REPO} focal InRelease: NO_PUBKEY 7EA0A9C3F273FCD8")
        elif K8S_REPO in line:
            if has_key(line):
                known.append(K8S_REPO + k8s_minor(line))
            else:
                errors.append(f"W: GPG error: {K8S_REPO}{k8s_minor(line)}/deb  InRelease: NO_PUBKEY 234654DA9A296436")
    h["repositories"] = sorted(set(known))
    h["updatedAt"] = time.time()
    return errors


def has_key(line):
    keyring = option(line, "signed-by")
    return keyring is None or (os.path.exists(keyring) and os.path.getsize(keyring) > 0)


def option(line, name):
    if "[" not in line:
        return None
    inside = line.split("[", 1)[1].split("]", 1)[0]
    for item in inside.split():
        if item.startswith(name + "="):
            return item.split("=", 1)[1]
    return None


def available_versions(h, name):
    """Versions apt can install for `name` on this host right now ([] when unknown)."""
    if name in MISSING:
        return []
    repo, versions, _ = CATALOGUE.get(name, (None, ["1.0-1ubuntu1"], []))
    if repo is None:
        return versions
    repos = h.get("repositories", [])
    if repo == K8S_REPO:
        minors = [r[len(K8S_REPO):] for r in repos if r.startswith(K8S_REPO)]
        if not minors:
            return []
        minor = minors[-1].lstrip("v")
        tools = {"kubernetes-cni": ["1.2.0-2.1"], "cri-tools": ["1.24.2-1.1"]}
        return tools.get(name, [f"{minor}.17-1.1"])
    return versions if repo in repos else []


def depends(name):
    return CATALOGUE.get(name, (None, None, []))[2]


def post_install(h, name):
    units = h.setdefault("units", {})
    for unit in UNITS.get(name, []):
        units[unit] = {"enabled": True, "active": unit != "kubelet"}
    for group in GROUPS.get(name, []):
        subprocess.run(["groupadd", "-f", group], check=False)
    if name == "containerd.io" and not os.path.exists("/etc/containerd/config.toml"):
        os.makedirs("/etc/containerd", exist_ok=True)
        lab.write_atomic("/etc/containerd/config.toml", CONTAINERD_PACKAGED_CONFIG)
    if name == "nfs-kernel-server":
        if not os.path.exists("/etc/exports"):
            lab.write_atomic("/etc/exports", EXPORTS_PACKAGED)
        import _exports
        _exports.publish(h, serving=True, reexport=True)
    if name == "docker-ce":
        # Docker's daemon sets the FORWARD policy to DROP when it starts (why the tutorial resets it).
        h.setdefault("iptables", {})["FORWARD"] = "DROP"
        h.setdefault("sysctl", {})["net.ipv4.ip_forward"] = "1"


def post_remove(h, name):
    for unit in UNITS.get(name, []):
        h.get("units", {}).pop(unit, None)
    if name == "nfs-kernel-server":
        import _exports
        _exports.publish(h, serving=False)
