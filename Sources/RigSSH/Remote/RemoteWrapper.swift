/// The bash program that receives every request on the remote host. ssh starts `exec bash -s`
/// there, and rig writes this wrapper, a header line and the script (and, for uploads, the
/// file's bytes) to ssh's standard input, so nothing of the script shows on any command line.
///
/// The wrapper stores the script in a private temporary folder, starts it with `setsid` as the
/// leader of a new process group, and watches its own stdin: rig keeps that stream open while
/// the command runs, so end-of-file means rig, ssh or the connection is gone, and the wrapper
/// then kills the whole group (TERM, and KILL two seconds later). When the script ends, the
/// group's leftovers are killed too, and the wrapper prints a trailer on stdout: a per-request
/// random boundary, the exit status, and the contents of `$RIG_OUTPUT`. rig cuts the trailer off
/// the stream before anything reaches the task log.
enum RemoteWrapper {
    /// What ssh runs on the host; constant, so `ps` there shows only this.
    static let remoteCommand = "exec bash -s"

    /// The request modes the wrapper understands (the header's third field).
    enum Mode: String {
        /// The script runs with stdin from /dev/null; stdin EOF ends it.
        case run
        /// Like `run`, under a new pseudo-terminal made by util-linux `script`.
        case pty
        /// The script reads the rest of stdin itself (an upload's bytes); no stdin watcher.
        case data
    }

    // Reads `rig1 <script bytes> <mode> <boundary>`, then the script. A script that arrives
    // short (rig died while sending) is never run.
    static let program = #"""
        rig_kill() { kill -"$1" -- -"$rig_pg" 2>/dev/null; [ -s "$rig_d/p" ] && kill -"$1" -- -"$(cat "$rig_d/p")" 2>/dev/null; }
        rig_main() {
        local tag n mode b rc w=
        IFS=' ' read -r tag n mode b || { echo "rig: no request arrived on stdin" >&2; return 125; }
        [ "$tag" = rig1 ] || { echo "rig: unexpected request header" >&2; return 125; }
        command -v setsid >/dev/null || { echo "rig: setsid (util-linux) is not installed on this host" >&2; return 125; }
        umask 077
        rig_d=$(mktemp -d "${TMPDIR:-/tmp}/rig.XXXXXXXX") || return 125
        trap 'rm -rf -- "$rig_d"' EXIT
        head -c "$n" >"$rig_d/s"
        [ "$(($(wc -c <"$rig_d/s")))" -eq "$n" ] || { echo "rig: the script arrived incomplete; not running it" >&2; return 125; }
        : >"$rig_d/o"
        case $mode in
        data) RIG_OUTPUT=$rig_d/o setsid bash "$rig_d/s" <&0 & ;;
        pty) command -v script >/dev/null || { echo "rig: a pseudo-terminal needs util-linux script on this host" >&2; return 125; }
        RIG_OUTPUT=$rig_d/o SHELL=/bin/bash setsid script -qefc "$(printf 'echo $$ >%q; exec bash %q' "$rig_d/p" "$rig_d/s")" /dev/null </dev/null & ;;
        *) RIG_OUTPUT=$rig_d/o setsid bash "$rig_d/s" </dev/null & ;;
        esac
        rig_pg=$!
        if [ "$mode" != data ]; then
        { while IFS= read -r _; do :; done; rig_kill TERM; sleep 2; rig_kill KILL; } <&0 >/dev/null 2>&1 &
        w=$!
        fi
        wait "$rig_pg"; rc=$?
        rig_kill KILL
        [ -n "$w" ] && kill "$w" 2>/dev/null
        printf '%s %d\n' "$b" "$rc"
        [ -s "$rig_d/o" ] && cat -- "$rig_d/o"
        return "$rc"
        }
        rig_main; exit $?

        """#

    /// Lines that make the rest of stdin run under sudo as `user`. With a password, the line
    /// after the first is the password: it is read into a variable and fed to `sudo -S` through
    /// a pipe, so it never shows on a command line. sudo is tried with `-n` first so a
    /// passwordless rule (or a cached ticket) never leaves the password for bash to read.
    static func becomePrelude(user: String, password: String?) -> String {
        let quotedUser = ShellQuoting.quote(user)
        guard let password else {
            return "exec sudo -n -u \(quotedUser) -- bash -s\n"
        }
        return """
            IFS= read -r rig_pw
            \(password)
            if sudo -n -u \(quotedUser) true 2>/dev/null; then unset rig_pw; exec sudo -n -u \(quotedUser) -- bash -s; fi
            exec sudo -S -k -p '' -u \(quotedUser) -- bash -s < <(printf '%s\\n' "$rig_pw"; exec cat 2>/dev/null)

            """
    }
}
