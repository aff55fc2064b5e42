#ifndef RIG_SPAWN_H
#define RIG_SPAWN_H

#include <sys/types.h>

/// What a child process gets. Every pointer and fd is prepared by the caller before the fork:
/// the child only makes async-signal-safe system calls.
typedef struct rig_spawn_request {
    /// Absolute path of the executable.
    const char *path;
    /// NULL-terminated.
    char *const *argv;
    /// NULL-terminated.
    char *const *envp;
    /// Directory to change to, or NULL to inherit.
    const char *cwd;
    /// Descriptors that become the child's 0, 1 and 2.
    int stdin_fd;
    int stdout_fd;
    int stderr_fd;
    /// Non-zero: make stdout_fd (a pseudo-terminal slave) the child's controlling terminal.
    int controlling_tty;
} rig_spawn_request;

/// Starts a child in a new session (so a new process group whose id is its pid), with every
/// signal disposition reset to default, an empty signal mask, descriptors above 2 closed, and
/// PR_SET_PDEATHSIG(SIGKILL) so it dies when the spawning thread ends abnormally.
/// Returns 0 and stores the pid, or an errno value (from exec or chdir in the child, or fork).
int rig_spawn(const rig_spawn_request *request, pid_t *pid_out);

/// pidfd_open(2): a descriptor that polls readable when the process exits; -1 and errno on failure.
int rig_pidfd_open(pid_t pid);

/// Waits for the process to exit without reaping it (so its pid, and its process group id, stay
/// reserved). Returns 1 when it has exited, 0 when it is still running (nohang), -1 on error.
int rig_wait_exited(pid_t pid, int nohang);

/// Reaps the process; returns its exit status (128 + signal when killed), or -1 on error.
int rig_reap(pid_t pid);

/// An eventfd-like wake-up pipe: returns 0 and the two ends, close-on-exec and non-blocking.
int rig_wake_pipe(int fds[2]);

/// pipe2(2) with O_CLOEXEC (pipe2 is not visible to Swift without _GNU_SOURCE). Returns 0 or errno.
int rig_pipe_cloexec(int fds[2]);

/// memfd_create(2) with MFD_CLOEXEC: a file in memory with no name anywhere, gone when the last
/// descriptor closes (or the process dies). Returns the descriptor or -1.
int rig_memfd_cloexec(const char *name);

/// openpty(3) with close-on-exec on both ends (master non-blocking). Returns 0 or an errno value.
int rig_open_pty(int *master, int *slave);

/// Sets the size of a pipe's buffer (F_SETPIPE_SZ); returns the new size or -1.
int rig_set_pipe_size(int fd, int size);

#endif
