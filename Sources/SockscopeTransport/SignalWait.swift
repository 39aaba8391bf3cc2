import CLinux
import Glibc

/// Every wait outside the main loops: for one descriptor, a deadline, or a signal on the
/// signalfd — whichever comes first. Nothing in the tool waits in a way that a signal cannot end,
/// and a user's number of seconds of any size is waited for in full (poll() takes at most
/// Int32.max milliseconds, so a long wait takes several rounds).
public enum SignalWait {
    public enum Outcome: Equatable, Sendable {
        case ready(Int32)   // revents of `fd`
        case timedOut
        case signal(Int32)
    }

    /// Waits for `events` on `fd` (none when `fd` is -1) for at most `seconds` (nil: no limit).
    public static func wait(for fd: Int32 = -1, events: Int32 = 0, seconds: Double?, signalFD: Int32) -> Outcome {
        let deadline = seconds.map { monotonic() + $0 }
        var fds = [pollfd(fd: fd, events: Int16(truncatingIfNeeded: events), revents: 0),
                   pollfd(fd: signalFD, events: Int16(POLLIN), revents: 0)]
        while true {
            var timeout: Int32 = -1
            if let deadline {
                let left = deadline - monotonic()
                if left <= 0 { return .timedOut }
                timeout = Milliseconds.clamped(left)
            }
            fds[0].revents = 0
            fds[1].revents = 0
            let ready = poll(&fds, 2, timeout)
            if ready < 0 && errno != EINTR { return .timedOut }
            if ready <= 0 { continue }
            if fds[1].revents != 0 {
                let signal = clinux_read_signal(signalFD)
                if signal != 0 { return .signal(signal) }
            }
            if fds[0].revents != 0 { return .ready(Int32(fds[0].revents)) }
        }
    }

    static func monotonic() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
