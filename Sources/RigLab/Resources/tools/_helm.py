"""helm, as the workflow installs it (curl serves a tarball whose linux-ARCH/helm runs this):
version --short, repo add/list/update/remove, list [-n NS|-A] [--short], install, upgrade
--install, uninstall, status. Repositories are this host's (as helm keeps them per user);
releases live in the lab's cluster state and create the pods and storage classes of _workloads."""
import os
import sys
import time

import _charts
import _cli
import _riglab as lab
import _workloads

VALUED = {"--kube-version": "kube-version", "-n": "namespace", "--namespace": "namespace", "--version": "version", "-f": "values",
          "--values": "values", "--timeout": "timeout", "--kubeconfig": "kubeconfig", "-o": "output", "--output": "output"}


PASSTHROUGH = ("--set", "--set-string", "--set-json", "--set-file", "--set-literal", "-f", "--values")


def passthrough_args(argv):
    """The values arguments (-f/--values, --set*) in their order, for the real helm's render."""
    result, i = [], 0
    while i < len(argv):
        a = argv[i]
        if a in PASSTHROUGH and i + 1 < len(argv):
            result += [a, argv[i + 1]]
            i += 2
            continue
        if a.split("=", 1)[0] in PASSTHROUGH and "=" in a:
            result.append(a)
        i += 1
    return result


def parse(argv):
    options, words, sets, i = {}, [], {}, 0
    while i < len(argv):
        a = argv[i]
        if a in ("--set", "--set-string"):
            k, _, v = argv[i + 1].partition("=")
            sets[k] = v
            i += 2
            continue
        if a.startswith("--set=") or a.startswith("--set-string="):
            k, _, v = a.split("=", 1)[1].partition("=")
            sets[k] = v
        elif a in VALUED:
            options[VALUED[a]] = argv[i + 1]
            i += 2
            continue
        elif a.startswith("--") and "=" in a:
            k, v = a.split("=", 1)
            options[VALUED.get(k, k.lstrip("-"))] = v
        elif a in ("-A", "--all-namespaces"):
            options["all"] = True
        elif a.startswith("-"):
            options[a.lstrip("-")] = True
        else:
            words.append(a)
        i += 1
    return options, words, sets


def normal(url):
    return url if url.endswith("/") else url + "/"


def repo(words, options, version):
    sub = words[1] if len(words) > 1 else ""
    with lab.host_state() as h:
        repos = h.setdefault("helm-repos", {})
        if sub == "add":
            name, url = words[2], words[3]
            _charts.repository(url)
            if name in repos:
                if normal(repos[name]) == normal(url):
                    print(f'"{name}" already exists with the same configuration, skipping')
                    return 0
                raise lab.ToolError(f'Error: repository name ({name}) already exists, please specify a different name', 1)
            repos[name] = url
            print(f'"{name}" has been added to your repositories')
            return 0
        if sub == "list":
            if not repos:
                raise lab.ToolError("Error: no repositories to show", 1)
            sys.stdout.write(lab.table([["NAME", "URL"]] + [[n, u] for n, u in repos.items()]))
            return 0
        if sub == "update":
            names = words[2:]
            if names and version.startswith("v3.2."):
                raise lab.ToolError('Error: "helm repo update" accepts 0 arguments\n\nUsage:  helm repo update [flags]', 1)
            if not repos:
                raise lab.ToolError("Error: no repositories found. You must add one before updating", 1)
            print("Hang tight while we grab the latest from your chart repositories...")
            for n in names or repos:
                if n not in repos:
                    raise lab.ToolError(f"Error: no repositories found matching '{n}'.  Nothing will be updated", 1)
                print(f'...Successfully got an update from the "{n}" chart repository')
            print("Update Complete. ⎈Happy Helming!⎈")
            return 0
        if sub in ("remove", "rm"):
            for n in words[2:]:
                if repos.pop(n, None) is None:
                    raise lab.ToolError(f'Error: no repo named "{n}" found', 1)
                print(f'"{n}" has been removed from your repositories')
            return 0
    raise lab.ToolError(f"rig lab: helm repo {sub}: not simulated", 1)


def release_key(options, name):
    return f"{options.get('namespace', 'default')}/{name}"


def list_releases(state, options):
    rows = [r for k, r in sorted(state["releases"].items()) if options.get("all") or r["namespace"] == options.get("namespace", "default")]
    if options.get("short") or options.get("q"):
        for r in rows:
            print(r["name"])
        return 0
    table = [["NAME", "NAMESPACE", "REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION"]]
    for r in rows:
        table.append([r["name"], r["namespace"], "1", time.strftime("%Y-%m-%d %H:%M:%S +0000 UTC", time.gmtime(r["installedAt"])),
                      "deployed", f"{_workloads.chart_name(r['chart']) if not os.path.isdir(r['chart']) else r['chartName']}-{r.get('version') or '0.1.0'}", "1.0"])
    sys.stdout.write(lab.table(table))
    return 0


def fresh_install(namespace, name):
    return f"{namespace}/{name}" not in lab.read_cluster()["releases"]


def install(words, options, sets, upgrade=False, passthrough=()):
    passthrough = list(passthrough)
    if len(words) < 3:
        raise lab.ToolError("Error: INSTALLATION FAILED: must either provide a name or specify --generate-name", 1)
    name, chart = words[1], words[2]
    namespace = options.get("namespace", "default")
    if not os.path.isdir(chart):
        repo_name = chart.split("/")[0]
        repos = lab.read_host_state().get("helm-repos", {})
        if "/" not in chart or repo_name not in repos:
            raise lab.ToolError(f'Error: INSTALLATION FAILED: repo {repo_name} not found', 1)
        served = _charts.repository(repos[repo_name])
        wanted = chart.split("/")[1]
        if wanted not in served:
            raise lab.ToolError(f'Error: INSTALLATION FAILED: chart "{wanted}" not found in {repos[repo_name]} repository', 1)
        if options.get("version") and options["version"] not in served[wanted]:
            raise lab.ToolError(f'Error: INSTALLATION FAILED: chart "{wanted}" matching {options["version"]} not found in {repo_name} index. (try \'helm repo update\'): no chart version found for {wanted}-{options["version"]}', 1)
    rendered = None
    if os.path.isdir(chart):
        state = lab.read_cluster()
        kube_version = (state.get("cluster") or {}).get("version", "v1.36.0")
        rendered = _charts.objects(_charts.render(chart, name, namespace, passthrough, kube_version,
                                                  "Error: UPGRADE FAILED: " if upgrade and not fresh_install(namespace, name) else "Error: INSTALLATION FAILED: "))
        removed = _charts.removed_apis(rendered, kube_version)
        if removed:
            raise lab.ToolError(("Error: UPGRADE FAILED: " if upgrade else "Error: INSTALLATION FAILED: ") + "unable to build kubernetes objects from release manifest: " + _charts.removed_message(removed), 1)
        unpullable = _charts.unpullable_images(state, rendered)
        if unpullable and (options.get("wait") or options.get("atomic") or options.get("rollback-on-failure")):
            how = f"release {name} failed, and has been uninstalled due to atomic being set" if options.get("atomic") or options.get("rollback-on-failure") else f"release {name} failed"
            raise lab.ToolError(f"Error: INSTALLATION FAILED: {how}: context deadline exceeded\n(rig lab: the pods never start: " + "; ".join(unpullable) + ")", 1)
    if "values" in options:
        for k, v in flatten(lab.load_yaml(open(options["values"]).read())[0] or {}).items():
            sets.setdefault(k, v)
    with lab.cluster() as state:
        key = f"{namespace}/{name}"
        if key in state["releases"]:
            if upgrade:
                print(f'Release "{name}" has been upgraded. Happy Helming!')
                return 0
            raise lab.ToolError("Error: INSTALLATION FAILED: cannot re-use a name that is still in use", 1)
        if namespace not in state["namespaces"]:
            if not options.get("create-namespace"):
                raise lab.ToolError(f'Error: INSTALLATION FAILED: create: failed to create: namespaces "{namespace}" not found', 1)
            state["namespaces"].append(namespace)
        pods, storageclasses, services, problem = _workloads.chart_workloads(state, name, chart, namespace, sets, rendered)
        if problem and (options.get("wait") or options.get("atomic")):
            how = "release {0} failed, and has been uninstalled due to atomic being set".format(name) if options.get("atomic") else f"release {name} failed"
            raise lab.ToolError(f"Error: INSTALLATION FAILED: {how}: timed out waiting for the condition\n(rig lab: {problem})", 1)
        state["releases"][key] = {"name": name, "namespace": namespace, "chart": chart, "chartName": _workloads.chart_name(chart),
                                  "version": options.get("version"), "values": sets, "services": services, "installedAt": time.time()}
        state["storageclasses"].update(storageclasses)
        lab.add_pods(state, "helm:" + key, namespace, pods)
    print(f"NAME: {name}\nLAST DEPLOYED: {time.strftime('%a %b %d %H:%M:%S %Y')}\nNAMESPACE: {namespace}\nSTATUS: deployed\nREVISION: 1\nTEST SUITE: None")
    if options.get("wait") or options.get("atomic"):
        time.sleep(1.0)
    return 0


def flatten(values, prefix=""):
    result = {}
    for k, v in values.items():
        if isinstance(v, dict):
            result.update(flatten(v, f"{prefix}{k}."))
        else:
            result[f"{prefix}{k}"] = v
    return result


def uninstall(words, options):
    with lab.cluster() as state:
        for name in words[1:]:
            key = release_key(options, name)
            if key not in state["releases"]:
                raise lab.ToolError(f"Error: uninstall: Release not loaded: {name}: release: not found", 1)
            del state["releases"][key]
            lab.remove_pods(state, "helm:" + key)
            for sc in [n for n, s in state["storageclasses"].items() if s.get("release") == key]:
                del state["storageclasses"][sc]
            print(f'release "{name}" uninstalled')
    return 0


def main(version):
    def handler(argv):
        _cli.check("helm", argv)
        options, words, sets = parse(argv)
        if "kubeconfig" in options:
            os.environ["KUBECONFIG"] = options["kubeconfig"]
        if not words:
            raise lab.ToolError("The Kubernetes package manager\n\nUsage:  helm [command]", 1)
        command = words[0]
        if command == "version":
            print(f"{version}+g{lab.suffix(version, 7)}" if options.get("short") else f'version.BuildInfo{{Version:"{version}", GoVersion:"go1.21.9"}}')
            return 0
        if command == "repo":
            return repo(words, options, version)
        if command in ("dependency", "dep", "dependencies") and len(words) >= 3 and words[1] in ("update", "up", "build"):
            return _charts.dependency_update(words[2])
        if command == "template":
            if len(words) < 3 or not os.path.isdir(words[2]):
                raise lab.ToolError("rig lab: helm template: only NAME LOCAL-CHART-FOLDER is simulated", 1)
            kube = options.get("kube-version")
            if not kube:
                try:
                    kube = lab.connected_cluster(for_helm=True)["cluster"]["version"]
                except lab.ToolError:
                    kube = "v1.36.0"
            manifest = _charts.render(words[2], words[1], options.get("namespace", "default"), passthrough_args(argv), kube)
            removed = _charts.removed_apis(_charts.objects(manifest), kube)
            if removed:
                raise lab.ToolError("Error: unable to build kubernetes objects from release manifest: " + _charts.removed_message(removed), 1)
            sys.stdout.write(manifest)
            return 0
        state = lab.connected_cluster(for_helm=True)
        if command in ("list", "ls"):
            return list_releases(state, options)
        if command == "install":
            return install(words, options, sets, passthrough=passthrough_args(argv))
        if command == "upgrade":
            if not options.get("install") and fresh_install(options.get("namespace", "default"), words[1] if len(words) > 1 else ""):
                raise lab.ToolError(f'Error: UPGRADE FAILED: "{words[1] if len(words) > 1 else ""}" has no deployed releases', 1)
            return install(words, options, sets, upgrade=True, passthrough=passthrough_args(argv))
        if command in ("uninstall", "delete", "del"):
            return uninstall(words, options)
        if command == "status":
            key = release_key(options, words[1])
            if key not in state["releases"]:
                raise lab.ToolError("Error: release: not found", 1)
            print(f"NAME: {words[1]}\nSTATUS: deployed")
            return 0
        raise lab.ToolError(f"rig lab: helm {command}: not simulated", 1)

    lab.run("helm", handler)
