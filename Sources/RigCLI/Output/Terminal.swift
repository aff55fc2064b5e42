import Foundation

/// Facts about, and small operations on, the controlling terminal.
enum Terminal {
    static var isInteractive: Bool { isatty(STDIN_FILENO) == 1 && isatty(STDERR_FILENO) == 1 }
    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    /// Reads a line from the terminal without echoing it.
    static func readSecret(prompt: String) -> String? {
        write(Data("\(prompt): ".utf8), to: STDERR_FILENO)
        var old = termios()
        let haveTTY = tcgetattr(STDIN_FILENO, &old) == 0
        if haveTTY {
            var silent = old
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        }
        defer {
            if haveTTY { tcsetattr(STDIN_FILENO, TCSAFLUSH, &old) }
            write(Data("\n".utf8), to: STDERR_FILENO)
        }
        return readLine(strippingNewline: true)
    }

    static func writeError(_ text: String) {
        write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8), to: STDERR_FILENO)
    }

    /// Writes all of `data`; false when the output is gone (its reader closed the pipe, the
    /// terminal hung up) or fails otherwise. Never raises SIGPIPE's default death: `RigCLI.main`
    /// ignores that signal.
    @discardableResult
    static func write(_ data: Data, to descriptor: Int32) -> Bool {
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if n > 0 {
                    offset += n
                } else if n < 0, errno == EINTR {
                    continue
                } else if n < 0, errno == EAGAIN {
                    // A descriptor someone else made non-blocking: wait until it takes more.
                    var ready = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&ready, 1, -1)
                } else {
                    return false
                }
            }
            return true
        }
    }
}

extension Terminal {
    /// The terminal's width, or 80.
    static var columns: Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 80
    }
}
