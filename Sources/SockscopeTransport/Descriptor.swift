import Glibc
import CLinux

/// Plain descriptor helpers shared by the modes.
public enum Descriptor {
    /// Writes every byte, retrying short writes and EINTR; false when the descriptor failed.
    @discardableResult
    public static func writeAll(_ fd: Int32, _ text: String) -> Bool {
        var text = text
        return text.withUTF8 { writeAll(fd, UnsafeRawBufferPointer($0)) }
    }

    /// Writes every byte of `bytes`; false when the descriptor failed.
    @discardableResult
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { writeAll(fd, $0) }
    }

    static func writeAll(_ fd: Int32, _ raw: UnsafeRawBufferPointer) -> Bool {
        guard let base = raw.baseAddress else { return true }
        var offset = 0
        while offset < raw.count {
            let n = write(fd, base + offset, raw.count - offset)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// Grows the kernel buffer of a pipe to 1 MiB: with 64 KiB pipes the reader wakes 16 times
    /// as often (measured: 1.43 → 1.70 GB/s). Not a pipe, or not allowed: nothing happens.
    public static func enlargePipe(_ fd: Int32) {
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFIFO else { return }
        _ = clinux_set_pipe_size(fd, 1 << 20)
    }
}

extension Descriptor {
    /// Writes every byte to a non-blocking descriptor, waiting in poll() while the reader is
    /// behind — and giving up when a signal arrives on `signalFD`, so that a slow or stopped
    /// reader never keeps SIGINT, SIGTERM or SIGHUP from ending the tool. With `seconds`, it
    /// also gives up (`.timedOut`) once that long has passed.
    public static func writeAll(
        _ raw: UnsafeRawBufferPointer, to fd: Int32, signalFD: Int32, seconds: Double? = nil,
        using write: (UnsafeRawPointer, Int) -> Int
    ) -> WriteOutcome {
        guard let base = raw.baseAddress else { return .written }
        let deadline = seconds.map { SignalWait.monotonic() + $0 }
        var offset = 0
        while offset < raw.count {
            let n = write(base + offset, raw.count - offset)
            if n > 0 {
                offset += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            guard n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) else { return .failed(n == 0 ? EIO : errno) }
            switch SignalWait.wait(for: fd, events: POLLOUT, seconds: deadline.map { $0 - SignalWait.monotonic() },
                                   signalFD: signalFD) {
            case .ready: continue
            case .timedOut: return .timedOut
            case .signal(let signal): return .interrupted(signal)
            }
        }
        return .written
    }
}

extension StandardOutput {
    /// Writes every byte, waiting for the reader but never past a signal (see `Descriptor`).
    public func writeAll(_ raw: UnsafeRawBufferPointer, signalFD: Int32, seconds: Double? = nil) -> WriteOutcome {
        Descriptor.writeAll(raw, to: fd, signalFD: signalFD, seconds: seconds) { write($0, count: $1) }
    }

    public func writeAll(_ text: String, signalFD: Int32) -> WriteOutcome {
        var text = text
        return text.withUTF8 { writeAll(UnsafeRawBufferPointer($0), signalFD: signalFD) }
    }
}

extension Descriptor {
    /// `writeAll(_:to:signalFD:seconds:using:)` with write(2).
    public static func writeAll(_ raw: UnsafeRawBufferPointer, to fd: Int32, signalFD: Int32) -> WriteOutcome {
        writeAll(raw, to: fd, signalFD: signalFD) { write(fd, $0, $1) }
    }
}

extension Descriptor {
    /// Descriptors 0–2 closed by the caller (`<&-`, `>&-`, `2>&-`) would be taken by the first
    /// socket or the signalfd: diagnostics would go into the TCP stream, and a closed stdin would
    /// never end. /dev/null takes each closed number, read-only: stdin reads end of file at once,
    /// and writing a closed stdout or stderr still fails (EBADF), as it would have.
    public static func occupyClosedStandardDescriptors() {
        for fd in Int32(0)...2 where fcntl(fd, F_GETFD) < 0 && errno == EBADF {
            // open() returns the lowest free number: this one, since those below are open.
            _ = open("/dev/null", O_RDONLY)
        }
    }
}
