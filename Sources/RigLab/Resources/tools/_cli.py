"""Argument checks of the lab's kubectl, helm and kubeadm against the real tools' flag lists
(_data/{kubectl,helm,kubeadm}-flags.txt, written by scripts/capture-cli-flags): an unknown
subcommand, flag or shorthand fails with the real tool's words and exit status, before the
stand-in does anything. Format of the lists: see scripts/capture-cli-flags."""
import os

import _riglab as lab

DATA = os.path.join(os.path.dirname(os.path.realpath(__file__)), "_data")

# How each tool words its errors (checked against the real binaries; kubeadm: see its list's header).
WORDING = {
    "kubectl": {"flag": "error: unknown flag: {flag}\nSee '{path} --help' for usage.",
                "short": "error: unknown shorthand flag: '{char}' in {arg}\nSee '{path} --help' for usage.",
                "needs": "error: flag needs an argument: {flag}\nSee '{path} --help' for usage.",
                "command": 'error: unknown command "{word}" for "{path}"'},
    "helm": {"flag": "Error: unknown flag: {flag}",
             "short": "Error: unknown shorthand flag: '{char}' in {arg}",
             "needs": "Error: flag needs an argument: {flag}",
             "command": "Error: unknown command \"{word}\" for \"{path}\"\nRun '{root} --help' for usage."},
    "kubeadm": {"flag": "unknown flag: {flag}\nTo see the stack trace of this error execute with --v=5 or higher",
                "short": "unknown shorthand flag: '{char}' in {arg}\nTo see the stack trace of this error execute with --v=5 or higher",
                "needs": "flag needs an argument: {flag}\nTo see the stack trace of this error execute with --v=5 or higher",
                "command": 'unknown command "{word}" for "{path}"\nTo see the stack trace of this error execute with --v=5 or higher'},
}


class Node:
    def __init__(self):
        self.commands, self.aliases, self.flags = [], [], {}   # flags: "--long"/"-s" -> "", "=", "=?"


def load(tool):
    nodes, globals_, current = {}, {}, None
    with open(os.path.join(DATA, f"{tool}-flags.txt")) as f:
        for raw in f:
            line = raw.split("  #", 1)[0].strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("["):
                path, _, rest = line[1:].partition("]")
                if rest.strip() == "global":
                    current = globals_
                else:
                    current = nodes.setdefault(path.strip(), Node()).flags
                    node = nodes[path.strip()]
                continue
            if line.startswith("commands:"):
                node.commands = line.split(":", 1)[1].split()
            elif line.startswith("aliases:"):
                node.aliases = line.split(":", 1)[1].split()
            else:
                words = line.split()
                kind = words[-1] if words[-1] in ("=", "=?") else ""
                for w in words:
                    if w.startswith("-"):
                        current[w] = kind
    for flags in [globals_] + [n.flags for n in nodes.values()]:
        flags.setdefault("--help", "")
        flags.setdefault("-h", "")
    return nodes, globals_


def child(nodes, path, word):
    """The full path of subcommand `word` (or one of its aliases) of `path`, or None."""
    for name in nodes[path].commands:
        full = f"{path} {name}".strip()
        if name == word or (full in nodes and word in nodes[full].aliases):
            return full
    return None


def check(tool, argv):
    """Raises the real tool's error for an unknown subcommand or flag in `argv`; returns the
    command path found (e.g. "create rolebinding")."""
    nodes, globals_ = load(tool)
    wording = WORDING[tool]
    every = dict(globals_)
    for n in nodes.values():
        for k, v in n.flags.items():
            every.setdefault(k, v)
    # Pass 1: the command path (flags skipped, a valued flag's separate argument with it).
    path, i, positional = "", 0, []
    while i < len(argv):
        a = argv[i]
        if a == "--":
            break
        if a.startswith("-") and a != "-":
            name = a.split("=", 1)[0]
            if "=" not in a and every.get(name if name.startswith("--") else name[:2]) == "=" and (name.startswith("--") or len(a) == 2):
                i += 1
            i += 1
            continue
        if not positional and nodes.get(path) and nodes[path].commands:
            found = child(nodes, path, a)
            if found is not None and found in nodes:
                path = found
                i += 1
                continue
            pure_group = path == "" or (tool == "kubeadm" and "phase" not in nodes[path].commands)
            if found is None and pure_group and a != "help":
                shown = f"{tool} {path}".strip()
                raise lab.ToolError(wording["command"].format(word=a, path=shown, root=tool), 1)
            if found is not None:   # a real subcommand whose flags the list does not carry: not checked
                return f"{path} {a}".strip()
        positional.append(a)
        i += 1
    allowed = dict(globals_)
    allowed.update(nodes.get(path, Node()).flags)
    shown = f"{tool} {path}".strip()
    # Pass 2: every flag up to "--" must be one this command has.
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            break
        if a.startswith("--") and len(a) > 2:
            name = a.split("=", 1)[0]
            if name not in allowed:
                raise lab.ToolError(wording["flag"].format(flag=name, path=shown), 1)
            if allowed[name] == "=" and "=" not in a:
                if i + 1 >= len(argv):
                    raise lab.ToolError(wording["needs"].format(flag=name, path=shown), 1)
                i += 1
        elif a.startswith("-") and len(a) > 1:
            j = 1
            while j < len(a):
                flag = "-" + a[j]
                if flag not in allowed:
                    raise lab.ToolError(wording["short"].format(char=a[j], arg=a, path=shown), 1)
                if allowed[flag] == "=":
                    if j + 1 == len(a):
                        if i + 1 >= len(argv):
                            raise lab.ToolError(wording["needs"].format(flag=f"'{a[j]}' in {a}", path=shown), 1)
                        i += 1
                    break
                j += 1
        i += 1
    return path
