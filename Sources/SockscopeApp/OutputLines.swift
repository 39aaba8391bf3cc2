import Glibc
import SockscopeTransport

/// The streaming modes' lines on standard output (`states --events`, `lesson --script`,
/// `replay --script`), one rule for all: a slow reader is waited for, but never past a signal.
enum OutputLines {
    /// nil when written, else how the mode must end: by the signal, or with 1 after one line
    /// saying why the output failed.
    static func write(_ text: String, to out: StandardOutput, signalFD: Int32, log: Diagnostics) -> ExitStatus? {
        switch out.writeAll(text, signalFD: signalFD) {
        case .written, .timedOut: return nil
        case .interrupted(let signal): return .signal(signal)
        case .failed(let code):
            log.error("write to standard output failed: \(String(cString: strerror(code)))")
            return .failure
        }
    }
}
