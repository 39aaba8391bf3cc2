import CLinux
import Glibc

/// How the process should end.
public enum ExitStatus: Equatable, Sendable {
    case code(Int32)
    /// Die by this signal (after cleaning up), so a shell sees what happened.
    case signal(Int32)

    public static let success = ExitStatus.code(0)
    public static let failure = ExitStatus.code(1)
}

/// Ends the process as the status says; a signal is re-raised with its default action so that the
/// parent sees a death by signal, as after Ctrl-C on nc.
public func terminate(_ status: ExitStatus) -> Never {
    switch status {
    case .code(let code):
        exit(code)
    case .signal(let number):
        clinux_die_by_signal(number)
        exit(128 + number)  // only if the signal was ignored by our parent's settings
    }
}
