import CLinux
import Glibc

/// Standard output as the loops write it: never blocking. Signals wait on the signalfd, so a
/// write that blocks on a full pipe or a stopped terminal would keep Ctrl-C from ending the tool.
/// Setting O_NONBLOCK on descriptor 1 itself would change the description the shell shares, so
/// pipes, FIFOs and terminals are opened again through /proc/self/fd — a description of our own —
/// with O_NONBLOCK; sockets are written with MSG_DONTWAIT; regular files never block.
///
/// It also says whether splice(2) can write here: a file opened for append (`>> file`) refuses
/// it with EINVAL, as do terminals and most devices; those are copied.
public final class StandardOutput {
    public enum Kind: Sendable, Equatable {
        case pipe      // a pipe or FIFO: splice(2) writes into it directly
        case file      // a regular file
        case null      // /dev/null
        case socket
        case device    // a terminal or another character device
    }

    /// The descriptor to write and to poll for POLLOUT.
    public private(set) var fd: Int32
    public let kind: Kind
    /// Opened with O_APPEND.
    public let appends: Bool
    private var reopened: Bool

    public init(_ original: Int32) {
        var info = stat()
        let kind: Kind
        if fstat(original, &info) != 0 {
            kind = .device
        } else {
            switch info.st_mode & S_IFMT {
            case S_IFIFO: kind = .pipe
            case S_IFREG: kind = .file
            case S_IFSOCK: kind = .socket
            case S_IFCHR:
                var null = stat()
                kind = stat("/dev/null", &null) == 0 && null.st_rdev == info.st_rdev ? .null : .device
            default: kind = .device
            }
        }
        self.kind = kind
        let flags = fcntl(original, F_GETFL)
        appends = flags >= 0 && flags & O_APPEND != 0
        var fd = original
        if kind == .pipe || kind == .device {
            // Without /proc (or for a FIFO whose reader already left: ENXIO) the original stays;
            // writing it then reports the failure.
            let own = open("/proc/self/fd/\(original)", O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
            if own >= 0 { fd = own }
        }
        self.fd = fd
        reopened = fd != original
    }

    deinit { release() }

    /// Closes our own description once the session is over, so that a reader of the pipe sees
    /// end of file when the original descriptor closes (an in-process test reads to EOF).
    public func release() {
        guard reopened else { return }
        close(fd)
        reopened = false
        fd = -1
    }

    /// write(2) that never blocks: -1 with EAGAIN when the reader is behind.
    public func write(_ bytes: UnsafeRawPointer, count: Int) -> Int {
        if kind == .socket { return send(fd, bytes, count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL)) }
        return Glibc.write(fd, bytes, count)
    }

    /// Whether splice(2) can write here.
    public var acceptsSplice: Bool {
        switch kind {
        case .pipe, .null: true
        case .file: !appends
        case .socket, .device: false
        }
    }
}
