"""Shared plumbing of rig lab's simulated tools: who this host is, the lab-wide cluster state,
this host's own state, fault injection and the call log. Every tool imports it by path.

State files (JSON, written atomically under an flock):
  $RIG_LAB_SHARED/cluster.json      the one simulated cluster and LAN services (DuckDNS, NFS exports, registries)
  $RIG_LAB_SHARED/faults.json       faults written by `rig lab fault` (read only here)
  $RIG_LAB_SHARED/fault-counts.json how many calls each fault has matched so far
  $RIG_LAB_SHARED/calls.log         one JSON line per tool call: time, host, tool, argv
  /var/lib/rig-lab/host/host.json   this host's packages, units, sysctls, modules, swap, iptables, containers, ...
"""
import contextlib
import fcntl
import ipaddress
import json
import os
import sys
import tempfile
import time

HOST_ENV = os.environ.get("RIG_LAB_HOST_ENV", "/etc/rig-lab/host.env")
HOST_STATE_DIR = "/var/lib/rig-lab/host"
DEFAULT_READY_DELAY = 2.0


class ToolError(Exception):
    """Ends the tool with `message` on stderr and `code` as exit status."""

    def __init__(self, message, code=1):
        super().__init__(message)
        self.message = message
        self.code = code


def host_env():
    env = {}
    try:
        with open(HOST_ENV) as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#") and "=" in line:
                    key, value = line.split("=", 1)
                    env[key.strip()] = value.strip().strip('"')
    except FileNotFoundError:
        raise ToolError(f"rig lab: {HOST_ENV} is missing: this tool only runs on a rig lab host", 127)
    for key in ("RIG_LAB_HOST", "RIG_LAB_ADDRESS", "RIG_LAB_SHARED"):
        if not env.get(key):
            raise ToolError(f"rig lab: {HOST_ENV} does not set {key}", 127)
    return env


ENV = None


def env():
    global ENV
    if ENV is None:
        ENV = host_env()
    return ENV


def host_name():
    return env()["RIG_LAB_HOST"]


def host_address():
    return env()["RIG_LAB_ADDRESS"]


def shared(name):
    return os.path.join(env()["RIG_LAB_SHARED"], name)


def write_atomic(path, text, mode=0o644):
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(path) + ".")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def read_json(path, default):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        return default
    except json.JSONDecodeError as e:
        raise ToolError(f"rig lab: {path} is not valid JSON ({e}); fix or remove it")


@contextlib.contextmanager
def locked_json(path, default):
    """Yields the JSON document at `path` under an exclusive lock; writes it back if changed."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    lock = shared_file(path + ".lock", os.O_RDONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        document = read_json(path, default)
        before = json.dumps(document, sort_keys=True)
        yield document
        if json.dumps(document, sort_keys=True) != before:
            write_atomic(path, json.dumps(document, indent=2, sort_keys=True) + "\n", 0o666)
    finally:
        os.close(lock)


def shared_file(path, flags):
    """An fd of `path`, created readable and writable by every user of the host (steps run as
    root and as the inventory user alike; flock works on a read-only fd)."""
    fd = os.open(path, flags | os.O_CREAT, 0o666)
    try:
        if os.fstat(fd).st_uid == os.geteuid():
            os.fchmod(fd, 0o666)
    except OSError:
        pass
    return fd


def empty_cluster():
    return {"cluster": None, "tokens": [], "nodes": {}, "namespaces": [], "objects": {}, "pods": [],
            "releases": {}, "storageclasses": {}, "pvcs": {}, "rolebindings": {}, "manifests": [],
            "duckdns": {}, "exports": {}, "registries": {}}


def cluster():
    """The lab-wide state, locked: `with cluster() as c: ...`."""
    return locked_json(shared("cluster.json"), empty_cluster())


def read_cluster():
    state = empty_cluster()
    state.update(read_json(shared("cluster.json"), {}))
    return state


def host_state():
    """This host's own state, locked: `with host_state() as h: ...`."""
    if not os.path.isdir(HOST_STATE_DIR):
        os.makedirs(HOST_STATE_DIR, exist_ok=True)
        with contextlib.suppress(OSError):
            os.chmod(HOST_STATE_DIR, 0o777)  # root and the login user both keep this host's state
    return locked_json(os.path.join(HOST_STATE_DIR, "host.json"), {})


def read_host_state():
    return read_json(os.path.join(HOST_STATE_DIR, "host.json"), {})


# ---- faults and timing -------------------------------------------------------------------------

def faults():
    return read_json(shared("faults.json"), {})


def ready_delay(node):
    spec = faults()
    delay = float(spec.get("readyDelaySeconds", DEFAULT_READY_DELAY))
    return float(spec.get("notReady", {}).get(node, delay))


def check_faults(tool, argv):
    """Fails this call when a fault in faults.json matches it (host, tool, argv substring, Nth call)."""
    spec = faults().get("faults", [])
    if not spec:
        return
    joined = " ".join(argv)
    me = host_name()
    hit = None
    with locked_json(shared("fault-counts.json"), {}) as counts:
        for index, fault in enumerate(spec):
            if fault.get("tool") != tool or fault.get("host", "*") not in ("*", me):
                continue
            if fault.get("match") and fault["match"] not in joined:
                continue
            key = str(index)
            counts[key] = counts.get(key, 0) + 1
            nth = fault.get("nth")
            if hit is None and (nth is None or counts[key] == int(nth)):
                hit = fault
    if hit is not None:
        message = hit.get("message") or f"rig lab: injected failure of {tool} on {me}"
        raise ToolError(message, int(hit.get("exitCode", 1)))


def log_call(tool, argv):
    line = json.dumps({"time": round(time.time(), 3), "host": host_name(), "tool": tool, "argv": argv})
    fd = shared_file(shared("calls.log"), os.O_WRONLY | os.O_APPEND)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, (line + "\n").encode())
    finally:
        os.close(fd)


# ---- packages ----------------------------------------------------------------------------------

def base_packages():
    import _packages
    return _packages.base_packages()


def packages(h):
    """This host's installed packages {name: version}, seeded with a fresh Ubuntu server's of its release."""
    if "packages" not in h:
        h["packages"] = base_packages()
    return h["packages"]


def installed_packages():
    h = read_host_state()
    return h["packages"] if "packages" in h else base_packages()


def installed(package):
    return package in installed_packages()


def release():
    """This host's Ubuntu release ("22.04", "24.04")."""
    return env().get("RIG_LAB_UBUNTU", "24.04")


def require_root(message, code=1):
    """Ends the tool as the real one ends when a non-root user runs it."""
    if os.geteuid() != 0:
        raise ToolError(message, code)


def require_package(tool, package):
    """A tool that a package provides is missing until that package is installed on this host."""
    if not installed(package):
        raise ToolError(f"{tool}: command not found (rig lab: install the {package} package first)", 127)


# ---- kubeconfig --------------------------------------------------------------------------------

def kubeconfig_path():
    explicit = os.environ.get("KUBECONFIG")
    if explicit:
        return explicit.split(":")[0]
    return os.path.join(os.path.expanduser("~"), ".kube", "config")


def connected_cluster(for_helm=False):
    """The cluster the kubeconfig points at, or the error kubectl/helm print when it is unreachable."""
    path = kubeconfig_path()
    server, cluster_id = None, None
    try:
        with open(path) as f:
            for line in f:
                s = line.strip()
                if s.startswith("server:"):
                    server = s.split(":", 1)[1].strip()
                elif s.startswith("# rig-lab-cluster:"):
                    cluster_id = s.split(":", 1)[1].strip()
    except (FileNotFoundError, PermissionError):
        pass
    state = read_cluster()
    c = state["cluster"]
    if server is None:
        if for_helm:
            raise ToolError('Error: Kubernetes cluster unreachable: Get "http://localhost:8080/version": dial tcp 127.0.0.1:8080: connect: connection refused')
        raise ToolError("The connection to the server localhost:8080 was refused - did you specify the right host or port?")
    if c is None or server != f"https://{c['endpoint']}":
        hostport = server.replace("https://", "")
        if for_helm:
            raise ToolError(f'Error: Kubernetes cluster unreachable: Get "{server}/version": dial tcp {hostport}: connect: connection refused')
        raise ToolError(f"The connection to the server {hostport} was refused - did you specify the right host or port?")
    if cluster_id != c["id"]:
        raise ToolError('Unable to connect to the server: x509: certificate signed by unknown authority (possibly because of "crypto/rsa: verification error" while trying to verify candidate authority certificate "kubernetes")')
    return state


# ---- time, nodes and pods ----------------------------------------------------------------------

def age(since, now=None):
    seconds = max(0, int((now or time.time()) - since))
    if seconds < 120:
        return f"{seconds}s"
    if seconds < 7200:
        return f"{seconds // 60}m"
    if seconds < 172800:
        return f"{seconds // 3600}h"
    return f"{seconds // 86400}d"


def cni_installed(state):
    return any(r["chart"].endswith("cilium") for r in state["releases"].values()) or \
        any("cilium" in m["source"] for m in state["manifests"])


def node_ready(state, name, now=None):
    node = state["nodes"].get(name)
    if node is None or node.get("kubeletStopped"):
        return False
    now = now or time.time()
    return cni_installed(state) and now >= node["joinedAt"] + node.get("readyDelay", DEFAULT_READY_DELAY)


def schedulable_nodes(state, pod, now=None):
    result = []
    for name in sorted(state["nodes"]):
        node = state["nodes"][name]
        if not node_ready(state, name, now):
            continue
        if any(l not in node["labels"] or node["labels"][l] != v for l, v in pod.get("nodeSelector", {}).items()):
            continue
        if not pod.get("tolerateAll") and any(t.get("effect") == "NoSchedule" for t in node.get("taints", [])):
            continue
        result.append(name)
    return result


def pod_view(state, pod, now=None):
    """(node, ready, status) of a pod as `kubectl get pods` shows it right now."""
    now = now or time.time()
    node = pod.get("node")
    if node:
        if node not in state["nodes"]:
            return None
        if not node_ready(state, node, now) and not pod.get("hostNetwork"):
            return node, False, "ContainerCreating"
    else:
        candidates = schedulable_nodes(state, pod, now)
        if not candidates:
            return None, False, "Pending"
        node = candidates[hash(pod["name"]) % len(candidates)] if pod.get("spread") else candidates[0]
    if pod.get("needsStorageClass") and pod["needsStorageClass"] not in state["storageclasses"]:
        return node, False, "Pending"
    if now < pod.get("readyAt", 0):
        return node, False, "ContainerCreating"
    if pod.get("image") and not image_available(state, pod["image"]):
        return node, False, "ImagePullBackOff"
    return node, True, pod.get("finalStatus", "Running")


def image_available(state, image):
    """Whether the lab registry named in `image` (HOST:PORT/...) holds it."""
    registry = image.split("/", 1)[0]
    host, _, port = registry.partition(":")
    for key, reg in state["registries"].items():
        if (key == registry or (reg["host"] == host and key.endswith(":" + port))) and image in reg.get("images", []):
            return True
    return False


def add_pods(state, owner, namespace, specs, start_seconds=1.0):
    """Creates pods `specs` ([{name, nodeSelector?, perNode?, ...}]) owned by `owner`."""
    now = time.time()
    for spec in specs:
        pod = dict(spec)
        pod.update({"namespace": namespace, "owner": owner, "createdAt": now, "readyAt": now + start_seconds})
        state["pods"].append(pod)


def remove_pods(state, owner):
    state["pods"] = [p for p in state["pods"] if p.get("owner") != owner]


def expand_pods(state):
    """Pods with their per-node copies (DaemonSets) spelled out, for listing."""
    result = []
    for pod in state["pods"]:
        if pod.get("perNode"):
            for i, name in enumerate(sorted(state["nodes"])):
                copy = dict(pod)
                copy["name"] = f"{pod['name']}-{suffix(pod['name'] + name, 5)}"
                copy["node"] = name
                result.append(copy)
        else:
            result.append(pod)
    return result


def suffix(seed, length):
    import hashlib
    digest = hashlib.sha256(seed.encode()).hexdigest()
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    return "".join(alphabet[int(digest[i:i + 2], 16) % len(alphabet)] for i in range(0, length * 2, 2))


def table(rows):
    """kubectl's column layout: every column padded to its widest cell plus three spaces."""
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("   ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows) + "\n"


# ---- names and addresses -----------------------------------------------------------------------

def resolve(name):
    """An address for `name`: itself if it is one, this host for localhost, else /etc/hosts."""
    if name in ("localhost", "127.0.0.1", "::1", host_name()):
        return host_address()
    try:
        ipaddress.ip_address(name)
        return name
    except ValueError:
        pass
    try:
        with open("/etc/hosts") as f:
            for line in f:
                fields = line.split("#", 1)[0].split()
                if len(fields) >= 2 and name in fields[1:]:
                    return fields[0]
    except FileNotFoundError:
        pass
    return None


def run(tool, handler):
    """Entry point of every tool: fault check, call log, then `handler(argv)`; ToolError → exit."""
    argv = sys.argv[1:]
    try:
        log_call(tool, argv)
        check_faults(tool, argv)
        code = handler(argv)
    except ToolError as e:
        sys.stdout.flush()
        if e.message:
            sys.stderr.write(e.message.rstrip("\n") + "\n")
        sys.exit(e.code)
    except BrokenPipeError:
        sys.exit(0)
    except PermissionError as e:
        sys.stderr.write(f"{tool}: {e.strerror}: {e.filename} (rig lab: this needs root)\n")
        sys.exit(1)
    sys.exit(code or 0)


# ---- a small YAML reader (block mappings and sequences, quoted scalars, flow [] and {}) ---------

def load_yaml(text):
    """The documents of a simple YAML text as dicts/lists/strings (enough for manifests and kubeadm configs)."""
    docs, current = [], []
    for raw in text.splitlines():
        if raw.strip() == "---" or raw.startswith("--- "):
            docs.append(current)
            current = []
        else:
            current.append(raw)
    docs.append(current)
    result = []
    for doc in docs:
        lines = [(len(l) - len(l.lstrip()), l.strip()) for l in doc
                 if l.strip() and not l.strip().startswith("#")]
        if lines:
            result.append(_parse(lines, 0, lines[0][0])[0])
    return result


def _scalar(text):
    text = text.strip()
    if text.startswith("&"):
        text = text.split(None, 1)[1] if " " in text else ""
    if " #" in text and not text.startswith(("'", '"')):
        text = text.split(" #", 1)[0].strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    if text.startswith("[") and text.endswith("]"):
        inner = text[1:-1].strip()
        return [_scalar(x) for x in inner.split(",")] if inner else []
    if text == "{}":
        return {}
    return text


def _parse(lines, i, indent):
    if lines[i][1].startswith("- ") or lines[i][1] == "-":
        items = []
        while i < len(lines) and lines[i][0] == indent and (lines[i][1].startswith("- ") or lines[i][1] == "-"):
            item = lines[i][1][2:].strip()
            if item and (": " in item or item.endswith(":")) and not item.startswith(("'", '"')):
                lines[i] = (indent + 2, item)
                value, i = _parse(lines, i, indent + 2)
                items.append(value)
            else:
                items.append(_scalar(item))
                i += 1
        return items, i
    mapping = {}
    while i < len(lines) and lines[i][0] == indent and not lines[i][1].startswith("- "):
        key, _, rest = lines[i][1].partition(":")
        key = _scalar(key)
        rest = rest.strip()
        i += 1
        if rest in ("|", ">", "|-", ">-"):
            block = []
            while i < len(lines) and lines[i][0] > indent:
                block.append(lines[i][1])
                i += 1
            mapping[key] = "\n".join(block)
        elif rest:
            mapping[key] = _scalar(rest)
        elif i < len(lines) and (lines[i][0] > indent or (lines[i][0] == indent and lines[i][1].startswith("- "))):
            mapping[key], i = _parse(lines, i, lines[i][0])
        else:
            mapping[key] = None
    return mapping, i


def dig(document, dotted, default=None):
    value = document
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return default
        value = value[part]
    return value
