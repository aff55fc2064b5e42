"""containerd's configuration as the installed version reads it: the default text per version
(_data/containerd-config-1.6.toml, captured from the real 1.6.20; _data/containerd-config-2.x.toml,
written from the 2.2.7 sources), and the effective configuration of /etc/containerd/config.toml:

- 1.x reads config version 2 (`plugins."io.containerd.grpc.v1.cri"`); a version 1 file (no
  `version`, e.g. containerd.io's packaged `disabled_plugins = ["cri"]`) is migrated with a
  deprecation warning; sections of other plugin ids (a v3 `io.containerd.cri.v1.runtime`) are
  ignored (checked: the real 1.6.20 accepts `version = 3` and its dump keeps SystemdCgroup = false).
- 2.x reads version 3 (`io.containerd.cri.v1.runtime` / `io.containerd.cri.v1.images`); a version 2
  file is migrated (its grpc.v1.cri runtime and registry settings move to the v3 plugins:
  plugins/cri/runtime/plugin.go configMigration at v2.2.7); in a version 3 file a
  grpc.v1.cri `containerd` section is not migrated and has no effect; a version above 3 is refused
  (cmd/containerd/server/config/config.go ValidateVersion).
- A runtime the file names replaces the default runtime of that name as a whole (checked on 1.6.20:
  a file with only `runtimes.runc.options` gives runc an empty runtime_type)."""
import copy
import os
import tomllib

import _riglab as lab

HERE = os.path.dirname(os.path.realpath(__file__))
CONFIG = "/etc/containerd/config.toml"
V1_NAMES = {"cri": "io.containerd.grpc.v1.cri", "cgroups": "io.containerd.monitor.v1.cgroups",
            "linux": "io.containerd.runtime.v1.linux", "scheduler": "io.containerd.gc.v1.scheduler",
            "bolt": "io.containerd.metadata.v1.bolt", "task": "io.containerd.runtime.v2.task",
            "opt": "io.containerd.internal.v1.opt", "restart": "io.containerd.internal.v1.restart",
            "overlayfs": "io.containerd.snapshotter.v1.overlayfs"}
GRPC = "io.containerd.grpc.v1.cri"
RUNTIME = "io.containerd.cri.v1.runtime"
IMAGES = "io.containerd.cri.v1.images"


class ConfigError(Exception):
    pass


def package_version():
    """(package, version string, (major, minor, patch)) of the installed containerd, or None."""
    pkgs = lab.installed_packages()
    for name in ("containerd.io", "containerd"):
        if name in pkgs:
            full = pkgs[name]
            upstream = full.split(":", 1)[-1].split("-", 1)[0].split("~", 1)[0]
            nums = [int(x) for x in upstream.split(".")[:3] if x.isdigit()]
            while len(nums) < 3:
                nums.append(0)
            return name, upstream, tuple(nums)
    return None


def default_text(version):
    major, minor, _ = version
    path = os.path.join(HERE, "_data", "containerd-config-1.6.toml" if major < 2 else "containerd-config-2.x.toml")
    with open(path) as f:
        lines = f.read().splitlines()[1:]  # the header line says where the text comes from
    result = []
    for line in lines:
        if line.endswith("  # 2.2+"):
            if (major, minor) < (2, 2):
                continue
            line = line[: -len("  # 2.2+")]
        result.append(line)
    return "\n".join(result) + "\n"


def default_config(version):
    return tomllib.loads(default_text(version))


def load(version, path=CONFIG, missing_ok=False):
    """(effective config dict, warnings). Raises ConfigError with containerd's message."""
    major = version[0]
    warnings = []
    config = default_config(version)
    try:
        with open(path, "rb") as f:
            user = tomllib.load(f)
    except FileNotFoundError:
        if missing_ok:
            return config, warnings
        raise ConfigError(f"containerd: failed to load TOML: {path}: open {path}: no such file or directory")
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"containerd: failed to load TOML: {path}: {e}")
    file_version = int(user.get("version", 1) or 1)
    if major >= 2 and file_version > 3:
        raise ConfigError(f"containerd: failed to load TOML from {path}: expected containerd config version equal to or less than `3`, got `{file_version}`")
    plugins = copy.deepcopy(user.get("plugins", {}))
    if file_version <= 1:
        if major < 2:
            warnings.append('level=warning msg="containerd config version `1` has been deprecated and will be removed in containerd v2.0, please switch to version `2`, see https://github.com/containerd/containerd/blob/main/docs/PLUGINS.md#version-header"')
        plugins = {V1_NAMES.get(k, k): v for k, v in plugins.items()}
        user["disabled_plugins"] = [V1_NAMES.get(p, p) for p in user.get("disabled_plugins", [])]
    if major >= 2 and file_version < 3 and GRPC in plugins:
        migrate_v2(plugins)
    for key, value in user.items():
        if key not in ("plugins", "version"):
            config[key] = value
    for pid, section in plugins.items():
        if pid not in config["plugins"]:
            continue  # a plugin this version does not have: ignored
        merge(config["plugins"][pid], section)
    return config, warnings


def migrate_v2(plugins):
    src = plugins.get(GRPC, {})
    runtime = plugins.setdefault(RUNTIME, {})
    images = plugins.setdefault(IMAGES, {})
    for key, value in list(src.items()):
        if key == "containerd":
            c = dict(value)
            if "snapshotter" in c:
                images["snapshotter"] = c.pop("snapshotter")
            runtime.setdefault("containerd", {}).update(c)
        elif key == "registry":
            images["registry"] = value
        elif key == "sandbox_image":
            images.setdefault("pinned_images", {})["sandbox"] = value
        elif key == "cni":
            runtime["cni"] = value
        elif key not in ("disable_tcp_service", "stream_server_address", "stream_server_port", "stream_idle_timeout",
                         "enable_tls_streaming", "x509_key_pair_streaming"):
            runtime[key] = value
    plugins[GRPC] = {k: v for k, v in src.items() if k in ("disable_tcp_service", "stream_server_address",
                                                          "stream_server_port", "stream_idle_timeout",
                                                          "enable_tls_streaming", "x509_key_pair_streaming")}


def merge(base, update, path=()):
    for key, value in update.items():
        if path and path[-1] == "runtimes" and isinstance(value, dict):
            base[key] = copy.deepcopy(value)  # a named runtime replaces the default one
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            merge(base[key], value, path + (key,))
        else:
            base[key] = copy.deepcopy(value)


def runtime_section(config, version):
    plugins = config.get("plugins", {})
    if version[0] >= 2:
        return plugins.get(RUNTIME, {}).get("containerd", {})
    return plugins.get(GRPC, {}).get("containerd", {})


def summary(config, version):
    """What other tools need: cri disabled, SystemdCgroup of runc, registry config_path, runtimes."""
    runtimes = runtime_section(config, version).get("runtimes", {})
    runc = runtimes.get("runc", {})
    plugins = config.get("plugins", {})
    registry = (plugins.get(IMAGES, {}) if version[0] >= 2 else plugins.get(GRPC, {})).get("registry", {})
    disabled = config.get("disabled_plugins", [])
    return {"version": ".".join(map(str, version)), "configVersion": 3 if version[0] >= 2 else 2,
            "criDisabled": any(p in (GRPC, "cri", RUNTIME) for p in disabled),
            "systemdCgroup": bool(runc.get("options", {}).get("SystemdCgroup", False)),
            "registryConfigPath": registry.get("config_path", ""),
            "runtimes": sorted(runtimes),
            "defaultRuntime": runtime_section(config, version).get("default_runtime_name", "runc")}


# ---- TOML text in containerd's layout --------------------------------------------------------------

def dump(config, version):
    quote = "'" if version[0] >= 2 else '"'
    lines = []

    def value(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return str(v)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return quote + str(v).replace("\\", "\\\\") + quote if quote == '"' else "'" + str(v) + "'"

    def key(k):
        return k if k.replace("_", "").replace("-", "").isalnum() else quote + k + quote

    def table(name, d, depth):
        indent = "  " * max(0, depth - 1)
        scalars = [(k, v) for k, v in d.items() if not isinstance(v, dict)]
        tables = [(k, v) for k, v in d.items() if isinstance(v, dict)]
        if name:
            lines.append("")
            lines.append(f"{indent}[{name}]")
        for k, v in sorted(scalars):
            lines.append(f"{'  ' * depth if name else ''}{key(k)} = {value(v)}")
        for k, v in sorted(tables):
            table(f"{name}.{key(k)}" if name else key(k), v, depth + 1)

    table("", config, 0)
    return "\n".join(lines).lstrip("\n") + "\n"
