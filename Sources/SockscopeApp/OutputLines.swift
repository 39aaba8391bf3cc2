import Glibc
import SockscopeTransport

/// The streaming modes' lines on standard output (`states --events`, `lesson --script`,
/// `replay --script`), one rule for all: a slow reader is waited for, but never past a signal.
enum OutputLines {
    /// nil when written, else how the mode must end: by the signal, or with 1 after one line
    /// saying why the output failed. A reader that went away (`| head`) ends the mode quietly by
    /// SIGPIPE, as it would have killed it — after the mode has cleaned up (`ignoreBrokenPipe`).
    static func write(_ text: String, to out: StandardOutput, signalFD: Int32, log: Diagnostics) -> ExitStatus? {
        switch out.writeAll(text, signalFD: signalFD) {
        case .written, .timedOut: return nil
        case .interrupted(let signal): return .signal(signal)
        case .failed(EPIPE): return .signal(SIGPIPE)
        case .failed(let code):
            log.error("write to standard output failed: \(String(cString: strerror(code)))")
            return .failure
        }
    }

    /// SIGPIPE as EPIPE, so that a mode with something to undo (a tracing instance, a lesson's
    /// lab) does it before dying by SIGPIPE.
    static func ignoreBrokenPipe() { signal(SIGPIPE, SIG_IGN) }
}
