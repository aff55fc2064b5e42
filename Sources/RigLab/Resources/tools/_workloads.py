"""What the simulated cluster runs for each chart the workflow installs with helm and each manifest
it applies by URL: pods (with node selectors, per-node DaemonSets), storage classes, services."""
import os
import time

import _riglab as lab

ARGO_MANIFEST = "argoproj/argo-workflows/releases/download/"
CILIUM_MANIFEST = "cilium"


def manifest_objects(url):
    """(pods, created-lines) for a manifest URL the lab knows, or None."""
    if ARGO_MANIFEST in url and url.endswith("install.yaml") or "argoproj/argo" in url and "manifests" in url:
        pods = [{"name": f"argo-server-{lab.suffix(url + 's', 9)}-{lab.suffix(url + 's2', 5)}"},
                {"name": f"workflow-controller-{lab.suffix(url + 'w', 9)}-{lab.suffix(url + 'w2', 5)}"}]
        lines = ["customresourcedefinition.apiextensions.k8s.io/clusterworkflowtemplates.argoproj.io",
                 "customresourcedefinition.apiextensions.k8s.io/cronworkflows.argoproj.io",
                 "customresourcedefinition.apiextensions.k8s.io/workflows.argoproj.io",
                 "customresourcedefinition.apiextensions.k8s.io/workflowtemplates.argoproj.io",
                 "serviceaccount/argo", "serviceaccount/argo-server", "role.rbac.authorization.k8s.io/argo-role",
                 "clusterrole.rbac.authorization.k8s.io/argo-aggregate-to-admin",
                 "clusterrolebinding.rbac.authorization.k8s.io/argo-binding",
                 "configmap/workflow-controller-configmap", "service/argo-server",
                 "deployment.apps/argo-server", "deployment.apps/workflow-controller"]
        return pods, None, lines
    if CILIUM_MANIFEST in url and url.endswith(".yaml"):
        pods = [{"name": "cilium", "perNode": True, "hostNetwork": True},
                {"name": f"cilium-operator-{lab.suffix(url, 10)}-{lab.suffix(url + 'o', 5)}", "hostNetwork": True, "tolerateAll": True}]
        return pods, "kube-system", ["serviceaccount/cilium", "configmap/cilium-config", "daemonset.apps/cilium", "deployment.apps/cilium-operator"]
    return None


def chart_name(chart):
    """`repo/name` → name; a local chart folder → the name in its Chart.yaml."""
    if os.path.isdir(chart):
        try:
            meta = lab.load_yaml(open(os.path.join(chart, "Chart.yaml")).read())[0]
            return meta.get("name", os.path.basename(chart.rstrip("/")))
        except (OSError, IndexError):
            raise lab.ToolError(f"Error: INSTALLATION FAILED: Chart.yaml file is missing in {chart}", 1)
    return chart.split("/")[-1]


def tator_values(chart, sets):
    values = {}
    path = os.path.join(chart, "values.yaml")
    if os.path.exists(path):
        values = lab.load_yaml(open(path).read())[0] or {}
    for k, v in sets.items():
        node = values
        parts = k.split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = v
    return values


def chart_workloads(state, release, chart, namespace, sets, rendered=None):
    """(pods, storage classes, services, problem) a chart's install creates; problem: why helm --wait fails."""
    name = chart_name(chart)
    seed = release + namespace
    if name == "cilium":
        return ([{"name": "cilium", "perNode": True, "hostNetwork": True},
                 {"name": f"cilium-operator-{lab.suffix(seed, 10)}-{lab.suffix(seed + 'o', 5)}", "hostNetwork": True, "tolerateAll": True}],
                {}, [], None)
    if name in ("nfs-subdir-external-provisioner", "nfs-client-provisioner"):
        server, path = sets.get("nfs.server"), sets.get("nfs.path")
        if not server or not path:
            return [], {}, [], "nfs.server and nfs.path must be set"
        sc = {"nfs-client": {"provisioner": f"cluster.local/{release}", "nfsServer": server, "nfsPath": path,
                             "release": f"{namespace}/{release}", "createdAt": time.time()}}
        return [{"name": f"{release}-{lab.suffix(seed, 10)}-{lab.suffix(seed + 'p', 5)}", "provisioner": True}], sc, [], None
    if name == "tator":
        values = tator_values(chart, sets)
        image = f"{values.get('dockerRegistry') or values.get('systemImageRepo')}/tator_online:{values.get('gitRevision') or 'latest'}"
        rendered_images = [i for o in rendered or [] for i in o["images"] if "/tator_online:" in i]
        if rendered_images:
            image = rendered_images[0]
        pods = [{"name": f"gunicorn-deployment-{lab.suffix(seed + 'g', 10)}-{lab.suffix(seed + 'g2', 5)}", "nodeSelector": {"webServer": "yes"}, "needsStorageClass": "nfs-client"},
                {"name": f"nginx-{lab.suffix(seed + 'n', 10)}-{lab.suffix(seed + 'n2', 5)}", "nodeSelector": {"webServer": "yes"}, "needsStorageClass": "nfs-client", "nginx": True},
                {"name": f"transcoder-{lab.suffix(seed + 't', 10)}-{lab.suffix(seed + 't2', 5)}", "nodeSelector": {"cpuWorker": "yes"}, "needsStorageClass": "nfs-client"},
                {"name": "postgis-0", "nodeSelector": {"dbServer": "yes"}},
                {"name": "tator-redis-master-0", "nodeSelector": {"dbServer": "yes"}},
                {"name": "elasticsearch-master-0", "nodeSelector": {"dbServer": "yes"}},
                {"name": f"metallb-controller-{lab.suffix(seed + 'm', 10)}-{lab.suffix(seed + 'm2', 5)}"},
                {"name": "metallb-speaker", "perNode": True, "hostNetwork": True},
                {"name": f"migrations-{lab.suffix(seed + 'mi', 5)}", "nodeSelector": {"webServer": "yes"}, "finalStatus": "Completed", "needsStorageClass": "nfs-client"}]
        for pod in pods:
            if pod["name"].startswith(("gunicorn", "transcoder", "migrations")):
                pod["image"] = image
        problem = tator_problem(state, values)
        lb = lab.dig(values, "metallb.loadBalancerIp")
        services = [{"name": "nginx-svc", "type": "LoadBalancer", "externalIP": lb, "domain": values.get("domain")}]
        return pods, {}, services, problem
    return [{"name": f"{release}-{lab.suffix(seed, 10)}-{lab.suffix(seed + 'x', 5)}"}], {}, [], None


def tator_problem(state, values):
    """Why `helm install --wait` of Tator would time out on this cluster, or None."""
    server = lab.dig(values, "pv.nfsServer")
    path = lab.dig(values, "pv.path", "/media/kubernetes_share")
    exports = state["exports"].get(server or "", {})
    if not exports.get("serving") or path not in [e["path"] for e in exports.get("exports", [])]:
        return f"PersistentVolumeClaim is not bound: main-pv-claim (pv.nfsServer {server} does not export {path})"
    lb, start, stop = (lab.dig(values, "metallb." + k) for k in ("loadBalancerIp", "ipRangeStart", "ipRangeStop"))
    try:
        import ipaddress
        if not (ipaddress.ip_address(start) <= ipaddress.ip_address(lb) <= ipaddress.ip_address(stop)):
            raise ValueError
    except (ValueError, TypeError):
        return f"Service does not have IP address: nginx-svc (loadBalancerIp {lb} outside the MetalLB range {start}-{stop})"
    return None
