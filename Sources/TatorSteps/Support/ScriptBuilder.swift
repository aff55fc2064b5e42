import Foundation
import RigKit

/// Builds the bash scripts of Tator steps: a strict preamble, only the helper functions a
/// script uses, and `Ensure` lists turned into a check and an apply script.
enum ScriptBuilder {
    /// Helper functions, included in a script only when it calls them.
    static let helpers: [(name: String, body: String)] = [
        ("rig_fail", #"rig_fail() { printf 'rig: error: %s\n' "$*" >&2; exit 1; }"#),
        ("rig_apt", #"rig_apt() { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -q "$@"; }"#),
        (
            "rig_has_pkg",
            #"rig_has_pkg() { local s; s=$(dpkg-query -W -f='${Status} ${Version}' "$1" 2>/dev/null) || return 1; case "$s" in "install ok installed ${2:-}"*) return 0;; *) return 1;; esac; }"#
        ),
        (
            "rig_put",
            """
            rig_put() { # rig_put PATH MODE < content: atomic write, only when the content differs
              local path=$1 mode=$2 tmp
              mkdir -p "$(dirname "$path")"
              tmp=$(mktemp "$path.rig.XXXXXX")
              cat > "$tmp"
              if [ -f "$path" ] && cmp -s "$tmp" "$path"; then rm -f "$tmp"; chmod "$mode" "$path"; return 0; fi
              chmod "$mode" "$tmp" && mv -f "$tmp" "$path" && echo "rig: wrote $path"
            }
            """
        ),
        (
            "rig_toml_has",
            """
            rig_toml_has() { # rig_toml_has TABLE ERE < toml: a line matching ERE inside the table [TABLE]
              awk -v want="$1" -v re="$2" '/^[[:space:]]*\\[/ { s = $0; gsub(/^[[:space:]]+|[[:space:]]+$/, "", s); next } s == want && $0 ~ re { ok = 1 } END { exit !ok }'
            }
            """
        ),
        (
            "rig_wait",
            """
            rig_wait() { # rig_wait SECONDS WHAT COMMAND...: poll every 5 s until COMMAND succeeds
              local limit=$1 what=$2 waited=0; shift 2
              until "$@" >/dev/null 2>&1; do
                [ "$waited" -ge "$limit" ] && { printf 'rig: error: timed out after %ss waiting for %s\\n' "$limit" "$what" >&2; return 1; }
                sleep 5; waited=$((waited + 5))
              done
            }
            """
        ),
        (
            "rig_node_ready",
            #"rig_node_ready() { kubectl get nodes 2>/dev/null | awk -v n="$1" 'NR > 1 && $1 == n && $2 ~ /^Ready/ { found = 1 } END { exit !found }'; }"#
        ),
        (
            "rig_node_known",
            #"rig_node_known() { kubectl get nodes 2>/dev/null | awk -v n="$1" 'NR > 1 && $1 == n { found = 1 } END { exit !found }'; }"#
        ),
        (
            "rig_pods_ready",
            """
            rig_pods_ready() { # rig_pods_ready [kubectl get pods args...]: every pod Running and Ready (or Completed), at least one
              kubectl get pods "$@" 2>/dev/null | awk '
                NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "READY") r = i; if ($i == "STATUS") s = i }; next }
                { n++; split($r, a, "/"); if ($s != "Completed" && ($s != "Running" || a[1] != a[2])) bad++ }
                END { exit !(n > 0 && bad == 0) }'
            }
            """
        ),
    ]

    static let kubeconfig = "export KUBECONFIG=/etc/kubernetes/admin.conf"

    /// `set -euo pipefail`, the helpers `body` calls, then `body`.
    static func script(_ body: String, preamble: [String] = []) -> String {
        var parts = ["set -euo pipefail"] + preamble
        var used = Set<String>()
        // Helpers can call each other: include dependencies too.
        var pending = [body] + preamble
        while let text = pending.popLast() {
            for helper in helpers where !used.contains(helper.name) && mentions(text, helper.name) {
                used.insert(helper.name)
                pending.append(helper.body)
            }
        }
        parts += helpers.filter { used.contains($0.name) }.map(\.body)
        parts.append(body)
        return parts.joined(separator: "\n")
    }

    /// Whether `text` calls `name` (the name followed by a space, a newline or the end).
    private static func mentions(_ text: String, _ name: String) -> Bool {
        var rest = Substring(text)
        while let range = rest.range(of: name) {
            let after = rest[range.upperBound...].first
            if after == nil || after == " " || after == "\n" || after == ";" || after == ")" { return true }
            rest = rest[range.upperBound...]
        }
        return false
    }

    /// A script that exits 0 only when every condition already holds.
    static func check(_ ensures: [Ensure], preamble: [String] = []) -> String {
        let body = ensures.map { e in "# \(e.what)\n\(e.condition) >/dev/null 2>&1 || exit 1" }.joined(separator: "\n")
        return script(body + "\nexit 0", preamble: preamble).replacingFirst("set -euo pipefail", with: "set -uo pipefail")
    }

    /// The usual plan of a Tator step: check every condition as root; if any fails, apply them all.
    static func plan(_ ensures: [Ensure], preamble: [String] = [], question: String, action: String) -> TaskPlan {
        TaskPlan(
            check: Command(check(ensures, preamble: preamble), become: true, summary: question),
            Command(apply(ensures, preamble: preamble), become: true, summary: action))
    }

    /// A script that makes every condition hold: each one not yet true is applied, then checked again.
    static func apply(_ ensures: [Ensure], preamble: [String] = [], epilogue: String = "") -> String {
        var body = ensures.map { e in
            """
            # \(e.what)
            if ! \(e.condition) >/dev/null 2>&1; then
              echo \(Shell.quote("rig: making sure " + e.what))
            \(e.apply)
              \(e.condition) >/dev/null 2>&1 || rig_fail \(Shell.quote(e.what + ": still not so after applying it"))
            fi
            """
        }.joined(separator: "\n")
        if !epilogue.isEmpty { body += "\n" + epilogue }
        return script(body, preamble: preamble)
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
