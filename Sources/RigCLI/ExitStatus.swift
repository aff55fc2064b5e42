import ArgumentParser

/// The process exit codes rig documents in `--help` and docs/cli.md.
enum ExitStatus {
    /// Everything succeeded (or was already done).
    static let success = ExitCode(0)
    /// The run finished with at least one failed task.
    static let runFailed = ExitCode(1)
    /// The workflow, inventory, inputs, secrets or flags are invalid; nothing was run.
    static let invalidInput = ExitCode(2)
    /// Another rig run holds the state directory's lock.
    static let busy = ExitCode(3)
    /// rig itself failed (state or revision store unusable, internal error).
    static let internalError = ExitCode(4)
    /// Stopped by SIGHUP (a lost terminal), SIGINT (Ctrl-C) or SIGTERM: 128 + the signal number.
    static let interrupted = ExitCode(130)
    static let terminated = ExitCode(143)

    static let helpText = """
        Exit codes: 0 success; 1 a task failed; 2 invalid workflow, inventory, inputs, secrets or \
        flags (nothing ran); 3 another run holds the state lock; 4 rig could not use its state or \
        revision store; 129 hung up (SIGHUP: the terminal went away); 130 interrupted (SIGINT); 143 \
        terminated (SIGTERM).
        """
}
