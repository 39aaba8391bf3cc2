import Glibc

/// Whether the screen can open: standard input and output are terminals and TERM names one that
/// can address the cursor (`dumb` cannot).
public enum Terminal {
    public static func isInteractive(stdin: Int32 = 0, stdout: Int32 = 1) -> Bool {
        guard isatty(stdin) == 1, isatty(stdout) == 1 else { return false }
        guard let term = getenv("TERM").map({ String(cString: $0) }), !term.isEmpty, term != "dumb" else { return false }
        return true
    }

    /// The terminal's width, or nil when output is not a terminal (a pipe gets whole lines).
    public static func width(_ fd: Int32) -> Int? {
        guard isatty(fd) != 0 else { return nil }
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }
}
