"""The lab's chart repositories, `helm dependency update` and the render check of local charts.

Data (each file says where its facts come from):
  _data/charts.txt                   which charts/versions each repository URL serves, and their images
  _data/images.txt                   public images the lab's cluster can pull
  _data/kubernetes-api-removals.txt  apiVersions each Kubernetes minor no longer serves

A local chart is rendered by the REAL helm (scripts/install-deps puts it in
/usr/local/lib/rig-tools/bin) with `--kube-version` of the lab cluster; every rendered object's
apiVersion and every image is then checked."""
import fnmatch
import os
import re
import shutil
import subprocess

import _riglab as lab

HERE = os.path.dirname(os.path.realpath(__file__))
DATA = os.path.join(HERE, "_data")
REAL_HELM = os.environ.get("RIG_LAB_REAL_HELM", "/usr/local/lib/rig-tools/bin/helm")


def normal(url):
    return url.rstrip("/")


# ---- repositories ------------------------------------------------------------------------------

def repositories():
    """({url: {chart: [versions]}}, {url: status of a dead one}, {(chart, version): [workloads]})."""
    repos, dead, images, current = {}, {}, {}, None
    with open(os.path.join(DATA, "charts.txt")) as f:
        for raw in f:
            line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
            if not line:
                continue
            words = line.split()
            if words[0] == "repo":
                current = repos.setdefault(normal(words[1]), {})
            elif words[0] == "dead":
                dead[normal(words[1])] = " ".join(words[2:])
                current = None
            elif words[0] == "image":
                _, chart, version, kind, name, style, key, image = words[:8]
                images.setdefault((chart, version), []).append(
                    {"kind": kind, "name": name, "style": style, "key": key, "image": image})
            elif current is not None:
                current.setdefault(words[0], []).extend(words[1:])
    return repos, dead, images


def repository(url):
    """The charts of the repository at `url` ({chart: [versions]}), or raises helm's error."""
    repos, dead, _ = repositories()
    key = normal(url)
    if key in dead:
        raise lab.ToolError(f'Error: looks like "{url}" is not a valid chart repository or cannot be reached: failed to fetch {key}/index.yaml : {dead[key]}', 1)
    if key not in repos:
        raise lab.ToolError(f'Error: looks like "{url}" is not a valid chart repository or cannot be reached: Get "{key}/index.yaml": dial tcp: lookup {url.split("/")[2] if "//" in url else url}: no such host (rig lab serves only the repositories in _data/charts.txt)', 1)
    return repos[key]


# ---- helm dependency update --------------------------------------------------------------------

def dependencies(chart):
    try:
        meta = lab.load_yaml(open(os.path.join(chart, "Chart.yaml")).read())[0] or {}
    except FileNotFoundError:
        raise lab.ToolError(f"Error: could not find Chart.yaml in {chart}", 1)
    return meta.get("dependencies") or []


def dependency_update(chart):
    deps = dependencies(chart)
    repos, dead, images = repositories()
    urls = []
    for d in deps:
        url = normal(str(d.get("repository", "")))
        if url and url not in urls and not url.startswith("file://"):
            urls.append(url)
    if urls:
        print("Getting updates for unmanaged Helm repositories...")
    for url in urls:
        if url in dead:
            print(f'...Unable to get an update from the "{url}" chart repository:\n\tfailed to fetch {url}/index.yaml : {dead[url]}')
        elif url not in repos:
            print(f'...Unable to get an update from the "{url}" chart repository:\n\tGet "{url}/index.yaml": dial tcp: lookup {url.split("/")[2]}: no such host')
        else:
            print(f'...Successfully got an update from the "{url}" chart repository')
    missing = []
    for d in deps:
        name, version, url = str(d.get("name")), str(d.get("version")), normal(str(d.get("repository", "")))
        if url in dead or url not in repos or name not in repos[url]:
            raise lab.ToolError(f"Error: {name} chart not found in repo {url}", 1)
        if version not in repos[url][name]:
            missing.append(f'"{name}" (repository "{url}", version "{version}")')
    if missing:
        raise lab.ToolError(f"Error: can't get a valid version for {len(missing)} subchart(s): {', '.join(missing)}. "
                            "Make sure a matching chart version exists in the repo, or change the version constraint in Chart.yaml", 1)
    folder = os.path.join(chart, "charts")
    os.makedirs(folder, exist_ok=True)
    print(f"Saving {len(deps)} charts")
    for d in deps:
        name, version, url = str(d.get("name")), str(d.get("version")), normal(str(d.get("repository", "")))
        print(f"Downloading {name} from repo {url}")
        for old in os.listdir(folder):
            if old == name or re.fullmatch(re.escape(name) + r"-[0-9].*\.tgz", old):
                path = os.path.join(folder, old)
                shutil.rmtree(path) if os.path.isdir(path) else os.unlink(path)
        write_subchart(os.path.join(folder, name), name, version, images.get((name, version), []))
    lock = "dependencies:\n" + "".join(f"- name: {d.get('name')}\n  repository: {d.get('repository')}\n  version: {d.get('version')}\n" for d in deps)
    with open(os.path.join(chart, "Chart.lock"), "w") as f:
        f.write(lock + "generated: \"2026-01-01T00:00:00Z\"\n")
    print("Deleting outdated charts")
    return 0


def write_subchart(path, name, version, workloads):
    """A small chart standing in for NAME-VERSION: one workload per image of the real chart,
    its image taken from values the way the real chart's values name it."""
    os.makedirs(os.path.join(path, "templates"), exist_ok=True)
    with open(os.path.join(path, "Chart.yaml"), "w") as f:
        f.write(f"apiVersion: v2\nname: {name}\nversion: {version}\n"
                f"description: rig lab's generated stand-in for {name} {version} (workloads and images only)\n")
    values, templates = [], []
    for w in workloads:
        image = w["image"]
        registry, rest = image.split("/", 1)
        repository, tag = rest.rsplit(":", 1)
        if w["style"] == "bitnami":
            values.append(nested(w["key"], {"registry": registry, "repository": repository, "tag": tag}))
            ref = f'{{{{ .Values.{w["key"]}.registry }}}}/{{{{ .Values.{w["key"]}.repository }}}}:{{{{ .Values.{w["key"]}.tag }}}}'
        elif w["style"] == "repotag":
            values.append(nested(w["key"], {"repository": f"{registry}/{repository}", "tag": tag}))
            ref = f'{{{{ .Values.{w["key"]}.repository }}}}:{{{{ .Values.{w["key"]}.tag }}}}'
        else:
            values.append(f'image: "{registry}/{repository}"\nimageTag: "{tag}"\n')
            ref = "{{ .Values.image }}:{{ .Values.imageTag }}"
        templates.append(workload(w["kind"], f"{{{{ .Release.Name }}}}-{name}-{w['name']}", ref))
    with open(os.path.join(path, "values.yaml"), "w") as f:
        f.write("".join(values) or "{}\n")
    with open(os.path.join(path, "templates", "workloads.yaml"), "w") as f:
        f.write("---\n".join(templates) or "")


def nested(dotted, leaf):
    parts = dotted.split(".")
    text = ""
    for depth, p in enumerate(parts):
        text += "  " * depth + p + ":\n"
    text += "".join("  " * len(parts) + f'{k}: "{v}"\n' for k, v in leaf.items())
    return text


def workload(kind, name, image):
    spec = f"""  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
        - name: main
          image: "{image}"
"""
    extra = f"  serviceName: {name}\n" if kind == "StatefulSet" else ""
    return f"apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: {name}\nspec:\n{extra}{spec}"


# ---- rendering and the checks ------------------------------------------------------------------

def render(chart, release, namespace, passthrough, kube_version, failure_prefix="Error: "):
    """The real helm's `template` output of a local chart (passthrough: -f/--set... arguments)."""
    if not os.access(REAL_HELM, os.X_OK):
        raise lab.ToolError(f"rig lab: the lab renders local charts with the real helm at {REAL_HELM}, which is missing: run scripts/install-deps on this machine", 1)
    argv = [REAL_HELM, "template", release, chart, "--namespace", namespace, "--kube-version", kube_version] + passthrough
    env = {"HOME": "/tmp/rig-lab-helm-" + str(os.getuid()), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(argv, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        message = done.stderr.strip()
        if message.startswith("Error: "):
            message = failure_prefix + message[len("Error: "):]
        raise lab.ToolError(message, 1)
    return done.stdout


def objects(manifest):
    """[{apiVersion, kind, name, source, images}] of a rendered manifest (helm's output layout)."""
    result = []
    for doc in re.split(r"^---\s*$", manifest, flags=re.M):
        api = re.search(r"^apiVersion:\s*(\S+)", doc, re.M)
        kind = re.search(r"^kind:\s*(\S+)", doc, re.M)
        if not api or not kind:
            continue
        name = re.search(r"^metadata:\s*\n(?:[ \t]+.*\n)*?[ \t]+name:\s*(\S+)", doc, re.M)
        source = re.search(r"^# Source:\s*(.+)$", doc, re.M)
        images = [m.strip().strip("'\"") for m in re.findall(r"^\s*(?:-\s+)?image:\s*(.+?)\s*$", doc, re.M)]
        nodes = re.search(r"^\s*nodeSelector:\s*\n((?:\s+\S+:\s*.+\n)+)", doc, re.M)
        result.append({"apiVersion": api.group(1).strip("'\""), "kind": kind.group(1).strip("'\""),
                       "name": name.group(1).strip("'\"") if name else "", "source": source.group(1) if source else "",
                       "images": images, "doc": doc})
    return result


def removals():
    table = []
    with open(os.path.join(DATA, "kubernetes-api-removals.txt")) as f:
        for line in f:
            words = line.split("#", 1)[0].split()
            if len(words) == 3:
                table.append((tuple(int(x) for x in words[0].split(".")), words[1], words[2]))
    return table


def minor_of(version):
    m = re.match(r"v?(\d+)\.(\d+)", str(version))
    return (int(m.group(1)), int(m.group(2))) if m else (1, 36)


def removed_apis(rendered, kube_version):
    """[message] for every object whose apiVersion the cluster's minor no longer serves."""
    minor = minor_of(kube_version)
    problems = []
    for o in rendered:
        for since, api, kind in removals():
            if o["apiVersion"] == api and kind in ("*", o["kind"]) and minor >= since:
                problems.append(f'resource mapping not found for name: "{o["name"]}" namespace: "" from "": no matches for kind '
                                f'"{o["kind"]}" in version "{o["apiVersion"]}"\nensure CRDs are installed first'
                                f'\n(rig lab: {o["apiVersion"]} {o["kind"]} is not served since Kubernetes {since[0]}.{since[1]}; '
                                f'this cluster runs {kube_version}; object {o["kind"]}/{o["name"]} from {o["source"] or "the chart"})')
                break
    return problems


def removed_message(problems):
    """The first problem in full, the others by object (real helm stops at the first)."""
    others = [p.split("object ", 1)[1].split(" from ")[0] for p in problems[1:] if "object " in p]
    more = f"\n(rig lab: {len(others)} more objects use removed APIs: {', '.join(others)})" if others else ""
    return problems[0] + more


def normalize_image(image):
    name = image
    first = name.split("/", 1)[0]
    if "/" not in name or ("." not in first and ":" not in first and first != "localhost"):
        name = ("docker.io/library/" if "/" not in name else "docker.io/") + name
    repo, tag = name, "latest"
    last = name.rsplit("/", 1)[-1]
    if "@" in last:
        repo, tag = name.split("@", 1)
    elif ":" in last:
        repo, tag = name.rsplit(":", 1)
    return repo, tag


def public_image(image):
    """(pullable, reason) from _data/images.txt."""
    repo, tag = normalize_image(image)
    with open(os.path.join(DATA, "images.txt")) as f:
        for raw in f:
            if raw.lstrip().startswith("#") or not raw.strip():
                continue
            words = raw.split(None, 3)
            gone = words[0] == "gone"
            if gone:
                words = words[1:] + ([""] if len(words) < 4 else [])
                pattern, tags, why = words[0], words[1], " ".join(raw.split(None, 3)[3:]).strip()
            else:
                pattern, tags, why = words[0], words[1], " ".join(words[2:]).strip()
            if fnmatch.fnmatch(repo, pattern) and fnmatch.fnmatch(tag, tags):
                return (not gone), why
    return False, "not in the lab's list of public images (_data/images.txt)"


def unpullable_images(state, rendered):
    problems, seen = [], set()
    for o in rendered:
        for image in o["images"]:
            if image in seen:
                continue
            seen.add(image)
            registry = image.split("/", 1)[0]
            if (":" in registry or registry == "localhost") and "/" in image:
                if not lab.image_available(state, image if ":" in image.rsplit("/", 1)[-1] else image + ":latest"):
                    problems.append(f"{o['kind']}/{o['name']}: image {image} is not in the lab registry {registry}: build and push it first (docker push {image})")
                continue
            ok, why = public_image(image)
            if not ok:
                problems.append(f"{o['kind']}/{o['name']}: image {image} cannot be pulled: {why}")
    return problems
