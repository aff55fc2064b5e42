#define _GNU_SOURCE
#include "rig_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static int move_to(int from, int to) {
    if (from == to) {
        int flags = fcntl(from, F_GETFD);
        if (flags < 0) return -1;
        return fcntl(from, F_SETFD, flags & ~FD_CLOEXEC);
    }
    return dup2(from, to) < 0 ? -1 : 0;
}

/* Runs in the vfork child: only system calls, no allocation, no locks. It reports a failure
   before exec by writing errno to `error_fd` (close-on-exec, so a successful exec closes it):
   a pipe works whether vfork shares the parent's memory or, as under ThreadSanitizer, is a fork. */
__attribute__((noinline))
static void child_after_fork(const rig_spawn_request *r, pid_t parent, int error_fd) {
    if (setsid() < 0) goto fail;
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) goto fail;
    if (getppid() != parent) _exit(127); /* the parent died before prctl took effect */

    int in = r->stdin_fd, out = r->stdout_fd, err = r->stderr_fd;
    /* Keep sources out of 0..2 so one dup2 does not overwrite another's source. */
    if (in >= 0 && in < 3) { in = fcntl(in, F_DUPFD, 3); if (in < 0) goto fail; }
    if (out >= 0 && out < 3) { out = fcntl(out, F_DUPFD, 3); if (out < 0) goto fail; }
    if (err >= 0 && err < 3) { err = fcntl(err, F_DUPFD, 3); if (err < 0) goto fail; }
    if (move_to(in, 0) < 0 || move_to(out, 1) < 0 || move_to(err, 2) < 0) goto fail;
    /* stderr: stdout may carry something else (the $RIG_OUTPUT file of a script run as another user). */
    if (r->controlling_tty && ioctl(2, TIOCSCTTY, 0) < 0) goto fail;

    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        sigaction(sig, &dfl, NULL); /* fails harmlessly for signals glibc reserves */
    }

    /* Mark, not close: error_fd must stay open until exec. ENOSYS/EINVAL on old kernels:
       descriptors are CLOEXEC anyway. */
    syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);

    if (r->cwd && chdir(r->cwd) < 0) goto fail;

    sigset_t empty;
    sigemptyset(&empty);
    sigprocmask(SIG_SETMASK, &empty, NULL);
    execve(r->path, r->argv, r->envp);
fail:;
    int failure = errno ? errno : EINVAL;
    while (write(error_fd, &failure, sizeof failure) < 0 && errno == EINTR) {}
    _exit(127);
}

int rig_spawn(const rig_spawn_request *request, pid_t *pid_out) {
    int error_pipe[2];
    if (pipe2(error_pipe, O_CLOEXEC) < 0) return errno;
    /* Keep the pipe out of 0..2, which the child overwrites with its standard streams. */
    for (int i = 0; i < 2; i++) {
        if (error_pipe[i] < 3) {
            int moved = fcntl(error_pipe[i], F_DUPFD_CLOEXEC, 3);
            int saved = errno;
            close(error_pipe[i]);
            if (moved < 0) { close(error_pipe[1 - i]); return saved; }
            error_pipe[i] = moved;
        }
    }
    pid_t parent = getpid();

    /* No signal handler may run in the child while it borrows the parent's stack. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);

    pid_t pid = vfork();
    if (pid == 0) {
        child_after_fork(request, parent, error_pipe[1]);
        _exit(127);
    }
    int fork_errno = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    close(error_pipe[1]);
    if (pid < 0) { close(error_pipe[0]); return fork_errno; }

    int child_errno = 0;
    ssize_t got;
    while ((got = read(error_pipe[0], &child_errno, sizeof child_errno)) < 0 && errno == EINTR) {}
    close(error_pipe[0]);
    if (got == (ssize_t)sizeof child_errno) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        return child_errno ? child_errno : EINVAL;
    }
    *pid_out = pid;
    return 0;
}

int rig_pidfd_open(pid_t pid) {
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (fd >= 0) fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}

int rig_wait_exited(pid_t pid, int nohang) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    int options = WEXITED | WNOWAIT | (nohang ? WNOHANG : 0);
    for (;;) {
        if (waitid(P_PID, (id_t)pid, &info, options) == 0) return info.si_pid == pid ? 1 : 0;
        if (errno != EINTR) return -1;
    }
}

int rig_reap(pid_t pid) {
    int status;
    for (;;) {
        if (waitpid(pid, &status, 0) == pid) break;
        if (errno != EINTR) return -1;
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 128;
}

int rig_wake_pipe(int fds[2]) {
    return pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0 ? errno : 0;
}

int rig_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC) < 0 ? errno : 0;
}

int rig_memfd_cloexec(const char *name) {
    return memfd_create(name, MFD_CLOEXEC);
}

int rig_open_pty(int *master, int *slave) {
    if (openpty(master, slave, NULL, NULL, NULL) < 0) return errno;
    fcntl(*master, F_SETFD, FD_CLOEXEC);
    fcntl(*slave, F_SETFD, FD_CLOEXEC);
    fcntl(*master, F_SETFL, fcntl(*master, F_GETFL) | O_NONBLOCK);
    return 0;
}

int rig_set_pipe_size(int fd, int size) {
    return fcntl(fd, F_SETPIPE_SZ, size);
}
