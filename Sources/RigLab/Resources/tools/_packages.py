"""The lab's package world for apt-get, apt-cache, apt-mark, dpkg and dpkg-query.

Which packages exist, in which repository and suite, at which versions: _data/apt-index.txt (one
line per fact, each with its source). What a host's apt knows: the package lists its last
`apt-get update` fetched (host.json "lists"), for the sources entries that existed then and whose
keys were there. A fresh host has fetched nothing. What installing a package does to the host
(units, groups, default config files) is below. Nothing is downloaded."""
import glob
import os
import re
import subprocess
import time

import _riglab as lab

HERE = os.path.dirname(os.path.realpath(__file__))
INDEX_FILE = os.path.join(HERE, "_data", "apt-index.txt")

_INDEX = None


def norm_url(url):
    return url.replace("$(ARCH)", "amd64").rstrip("/")


def index():
    """{"repos": [(id, url, suites, keyid)], "gone": [(url, message)], "pkgs": {(repo, suite, name): {version: deps}}}"""
    global _INDEX
    if _INDEX is None:
        repos, gone, pkgs = [], [], {}
        with open(INDEX_FILE) as f:
            for raw in f:
                line = raw.split("  #", 1)[0].strip()
                if not line or line.startswith("#"):
                    continue
                words = line.split()
                if words[0] == "repo":
                    repos.append((words[1], norm_url(words[2]), words[3:-1], words[-1]))
                elif words[0] == "gone":
                    gone.append((norm_url(words[1]), " ".join(words[2:])))
                elif words[0] == "pkg":
                    _, repo, suite, name, version = words[:5]
                    deps = [] if len(words) < 6 or words[5] == "-" else words[5].split(",")
                    pkgs.setdefault((repo, suite, name), {})[version] = deps
        _INDEX = {"repos": repos, "gone": gone, "pkgs": pkgs}
    return _INDEX


# ---- Debian version order (dpkg's algorithm) ---------------------------------------------------

def _order(c):
    if c == "~":
        return -1
    if c.isdigit():
        return 0
    if c.isalpha():
        return ord(c)
    return ord(c) + 256


def _compare_part(a, b):
    while a or b:
        na = re.match(r"[^\d]*", a).group(0)
        nb = re.match(r"[^\d]*", b).group(0)
        for i in range(max(len(na), len(nb))):
            ca = _order(na[i]) if i < len(na) else 0
            cb = _order(nb[i]) if i < len(nb) else 0
            if ca != cb:
                return -1 if ca < cb else 1
        a, b = a[len(na):], b[len(nb):]
        da = re.match(r"\d*", a).group(0)
        db = re.match(r"\d*", b).group(0)
        if int(da or 0) != int(db or 0):
            return -1 if int(da or 0) < int(db or 0) else 1
        a, b = a[len(da):], b[len(db):]
    return 0


def _split(v):
    epoch, _, rest = v.partition(":") if ":" in v else ("0", "", v)
    upstream, _, revision = rest.rpartition("-") if "-" in rest else (rest, "", "0")
    return int(epoch), upstream, revision


def compare(a, b):
    ea, ua, ra = _split(a)
    eb, ub, rb = _split(b)
    if ea != eb:
        return -1 if ea < eb else 1
    return _compare_part(ua, ub) or _compare_part(ra, rb)


def newest(versions):
    import functools
    return sorted(versions, key=functools.cmp_to_key(compare))[-1] if versions else None


# ---- the host -----------------------------------------------------------------------------------

def codename():
    return lab.env().get("RIG_LAB_CODENAME", "noble")


BASE = {"jammy": {"base-files": "12ubuntu4.7", "bash": "5.1-6ubuntu1.1", "coreutils": "8.32-4.1ubuntu1.2",
                  "sudo": "1.9.9-1ubuntu2.5", "openssh-server": "1:8.9p1-3ubuntu0.13", "tar": "1.34+dfsg-1ubuntu0.1.22.04.2",
                  "iproute2": "5.15.0-1ubuntu2", "ca-certificates": "20240203~22.04.1", "curl": "7.81.0-1ubuntu1.20",
                  "gnupg": "2.2.27-3ubuntu2.1", "gpg": "2.2.27-3ubuntu2.1", "python3": "3.10.6-1~22.04.1",
                  "iptables": "1.8.7-1ubuntu5.2", "lsb-release": "11.1.0ubuntu4", "git": "1:2.34.1-1ubuntu1.15"},
        "noble": {"base-files": "13ubuntu10.3", "bash": "5.2.21-2ubuntu4", "coreutils": "9.4-3ubuntu6.1",
                  "sudo": "1.9.15p5-3ubuntu5.24.04.1", "openssh-server": "1:9.6p1-3ubuntu13.14", "tar": "1.35+dfsg-3build1",
                  "iproute2": "6.1.0-1ubuntu6.2", "ca-certificates": "20240203", "curl": "8.5.0-2ubuntu10.6",
                  "gnupg": "2.4.4-2ubuntu17.3", "gpg": "2.4.4-2ubuntu17.3", "python3": "3.12.3-0ubuntu2",
                  "iptables": "1.8.10-3ubuntu2", "lsb-release": "12.0-2", "git": "1:2.43.0-1ubuntu7.3"}}


def base_packages():
    """What a fresh Ubuntu server image of this host's release has installed (reported versions)."""
    return dict(BASE.get(codename(), BASE["noble"]))


# ---- sources -------------------------------------------------------------------------------------

def source_entries():
    """Every `deb` entry of /etc/apt/sources.list, sources.list.d/*.list and *.sources (deb822):
    [{"uri", "suite", "signed_by", "file"}], one per suite."""
    entries = []
    files = ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list"))
    for path in files:
        try:
            with open(path) as f:
                for raw in f:
                    line = raw.split("#", 1)[0].strip()
                    if not line.startswith("deb "):
                        continue
                    options = {}
                    rest = line[4:].strip()
                    if rest.startswith("["):
                        inside, _, rest = rest[1:].partition("]")
                        for item in inside.split():
                            k, _, v = item.partition("=")
                            options[k] = v
                    words = rest.split()
                    if len(words) >= 2:
                        entries.append({"uri": words[0], "suite": words[1], "signed_by": options.get("signed-by"), "file": path})
        except (FileNotFoundError, IsADirectoryError):
            pass
    for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        with open(path) as f:
            stanzas = f.read().split("\n\n")
        for stanza in stanzas:
            fields = {}
            for raw in stanza.splitlines():
                if raw.startswith("#") or ":" not in raw or raw.startswith(" "):
                    continue
                k, _, v = raw.partition(":")
                fields[k.strip().lower()] = v.strip()
            if "deb" not in fields.get("types", "").split() or fields.get("enabled", "yes").lower() == "no":
                continue
            for uri in fields.get("uris", "").split():
                for suite in fields.get("suites", "").split():
                    entries.append({"uri": uri, "suite": suite, "signed_by": fields.get("signed-by"), "file": path})
    return entries


def base_suite(suite):
    """noble-updates -> noble (the pockets of a release share its index here)."""
    return suite.split("-", 1)[0] if suite != "/" else "/"


def repo_of(entry):
    """(repo id, keyid) of a sources entry, or None; ("gone", message) for a dead repository."""
    uri = norm_url(entry["uri"])
    for url, message in index()["gone"]:
        if uri.startswith(url):
            return ("gone", message)
    for rid, url, suites, keyid in index()["repos"]:
        if uri == url:
            return (rid, keyid, suites)
    return None


def key_present(entry):
    path = entry.get("signed_by")
    if path:
        return os.path.isfile(path) and os.path.getsize(path) > 0
    keys = glob.glob("/etc/apt/trusted.gpg.d/*.gpg") + glob.glob("/etc/apt/trusted.gpg.d/*.asc") + ["/etc/apt/trusted.gpg"]
    return any(os.path.isfile(k) and os.path.getsize(k) > 0 for k in keys)


def armored_in_gpg(entry):
    """An ASCII-armored key saved under a .gpg name (apt ignores it: `gpg --dearmor` was skipped)."""
    path = entry.get("signed_by")
    if not path or not path.endswith(".gpg") or not os.path.isfile(path):
        return False
    with open(path, "rb") as f:
        return f.read(40).startswith(b"-----BEGIN")


def update(h):
    """apt-get update: (printed lines, warnings, errors). Records the lists fetched in h["lists"]."""
    out, warnings, errors, fetched = [], [], [], []
    n, seen = 0, set()
    for entry in source_entries():
        uri, suite = entry["uri"].rstrip("/"), entry["suite"]
        if (uri, suite) in seen:
            continue
        seen.add((uri, suite))
        n += 1
        shown = f"{uri} {suite}" if suite != "/" else f"{uri}/ "
        found = repo_of(entry)
        host = uri.split("://", 1)[-1].split("/", 1)[0]
        served_hosts = {url.split("://", 1)[-1].split("/", 1)[0] for _, url, _, _ in index()["repos"]}
        if found is None and host in served_hosts:
            # The server answers, the path does not exist (e.g. a pkgs.k8s.io minor the index does not list).
            release = f"{uri}  Release" if suite == "/" else f"{uri} {suite} Release"
            out.append(f"Err:{n} {shown} Release\n  404  Not Found")
            errors.append(f"E: The repository '{release}' does not have a Release file.")
            continue
        if found is None:
            out.append(f"Ign:{n} {shown} InRelease")
            out.append(f"Err:{n} {shown} Release\n  Could not resolve '{host}'")
            fetched_path = f"{uri}/InRelease" if suite == "/" else f"{uri}/dists/{suite}/InRelease"
            warnings.append(f"W: Failed to fetch {fetched_path}  Could not resolve '{host}'")
            continue
        if found[0] == "gone":
            out.append(f"Err:{n} {shown} Release\n  404  Not Found")
            errors.append(f"E: {found[1]}")
            continue
        rid, keyid, suites = found
        if base_suite(suite) not in suites:
            out.append(f"Err:{n} {shown} Release\n  404  Not Found")
            errors.append(f"E: The repository '{uri} {suite} Release' does not have a Release file.")
            continue
        if keyid != "builtin" and (not key_present(entry) or armored_in_gpg(entry)):
            reason = f"The following signatures couldn't be verified because the public key is not available: NO_PUBKEY {keyid}"
            out.append(f"Err:{n} {shown} InRelease\n  {reason}")
            if armored_in_gpg(entry):
                warnings.append(f"W: The key(s) in the keyring {entry['signed_by']} are ignored as the file has an unsupported filetype.")
            warnings.append(f"W: GPG error: {shown} InRelease: {reason}")
            errors.append(f"E: The repository '{shown} InRelease' is not signed.")
            continue
        out.append(f"Get:{n} {shown} InRelease")
        fetched.append({"repo": rid, "suite": base_suite(suite), "uri": norm_url(uri)})
    h["lists"] = fetched
    h["updatedAt"] = time.time()
    write_list_files(fetched)
    return out, warnings, errors


def write_list_files(fetched):
    """Empty stand-ins of the fetched Packages files in /var/lib/apt/lists (so `ls` shows them)."""
    folder = "/var/lib/apt/lists"
    try:
        for old in glob.glob(os.path.join(folder, "*_Packages")):
            os.unlink(old)
        for item in fetched:
            name = re.sub(r"[/:]+", "_", item["uri"].split("://", 1)[-1]) + "_dists_" + item["suite"].replace("/", "") + "_Packages"
            open(os.path.join(folder, name), "w").close()
    except OSError:
        pass


def known_lists(h):
    """(repo, suite) pairs apt can install from: fetched by the last update AND still in the sources."""
    fetched = {(l["repo"], l["suite"], l["uri"]) for l in h.get("lists", [])}
    result = []
    for entry in source_entries():
        found = repo_of(entry)
        if found and found[0] != "gone":
            key = (found[0], base_suite(entry["suite"]), norm_url(entry["uri"]))
            if key in fetched and (key[0], key[1]) not in result:
                result.append((key[0], key[1]))
    return result


def candidates(h, name):
    """{version: (repo, suite, deps)} apt can install for `name` right now ({} when unknown).
    An installed package is known from dpkg's status even without lists (repo "status")."""
    result = {}
    installed = h.get("packages") if "packages" in h else base_packages()
    if name in installed:
        result[installed[name]] = ("status", "/", [])
    for repo, suite in known_lists(h):
        for version, deps in index()["pkgs"].get((repo, suite, name), {}).items():
            if result.get(version, ("",))[0] in ("", "status"):
                result[version] = (repo, suite, deps)
    return result


def repo_url(repo):
    for rid, url, _, _ in index()["repos"]:
        if rid == repo:
            return url
    return repo


# ---- effects of installing ------------------------------------------------------------------------

UNITS = {"containerd.io": ["containerd"], "containerd": ["containerd"], "docker-ce": ["docker"], "docker.io": ["docker"],
         "nfs-kernel-server": ["nfs-kernel-server"], "kubelet": ["kubelet"], "openssh-server": ["ssh"]}
GROUPS = {"docker-ce": ["docker"], "docker.io": ["docker"]}

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
