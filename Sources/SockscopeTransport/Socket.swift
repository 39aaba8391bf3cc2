import CLinux
import Glibc

/// Socket system calls with errors turned into `SystemError`. Every socket is non-blocking and
/// close-on-exec: the one poll loop decides when to read and write.
public enum Socket {
    public static func make(family: Int32, datagram: Bool) throws(SystemError) -> Int32 {
        let type = (datagram ? SOCK_DGRAM.rawValue : SOCK_STREAM.rawValue)
            | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue
        let fd = socket(family, Int32(type), 0)
        guard fd >= 0 else { throw SystemError("socket") }
        // The default receive buffer drops 0.5–1% of a full-rate UDP stream here; 4 MiB drops
        // none (shared/notes/measured-here.md). The kernel caps it at rmem_max.
        if datagram { setOption(fd, SOL_SOCKET, SO_RCVBUF, 4 << 20) }
        return fd
    }

    public static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32) {
        var value = value
        _ = setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    /// SO_LINGER: with 0 seconds, close() sends RST and discards what was not sent.
    public static func setLinger(_ fd: Int32, seconds: Int32) {
        var linger = Glibc.linger(l_onoff: 1, l_linger: seconds)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
    }

    public static func bind(_ fd: Int32, to address: SocketAddress) throws(SystemError) {
        let status = address.withSockaddr { Glibc.bind(fd, $0, $1) }
        guard status == 0 else { throw SystemError("bind") }
    }

    public static func localAddress(_ fd: Int32) -> SocketAddress {
        var address = SocketAddress()
        address.length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &address.storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &address.length) }
        }
        return address
    }

    /// The pending error of a socket (SO_ERROR), e.g. after a non-blocking connect completes.
    public static func pendingError(_ fd: Int32) -> Int32 {
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length) == 0 else { return errno }
        return code
    }

    /// Starts a non-blocking connect. Returns true when already connected (Unix sockets, UDP),
    /// false when in progress (TCP: the socket sits in SYN_SENT until poll reports it writable).
    public static func startConnect(_ fd: Int32, to address: SocketAddress) throws(SystemError) -> Bool {
        let status = address.withSockaddr { Glibc.connect(fd, $0, $1) }
        if status == 0 { return true }
        if errno == EINPROGRESS { return false }
        throw SystemError("connect")
    }

    public static func connectDatagram(_ fd: Int32, to address: SocketAddress) -> Bool {
        address.withSockaddr { Glibc.connect(fd, $0, $1) } == 0
    }

    /// Accepts one connection, or nil when none is waiting (EAGAIN) or it vanished meanwhile.
    public static func accept(_ listener: Int32) throws(SystemError) -> (fd: Int32, peer: SocketAddress)? {
        var peer = SocketAddress()
        peer.length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let fd = withUnsafeMutablePointer(to: &peer.storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                clinux_accept_nonblocking(listener, $0, &peer.length)
            }
        }
        if fd >= 0 { return (fd, peer) }
        switch errno {
        case EAGAIN, EWOULDBLOCK, EINTR, ECONNABORTED, EPROTO: return nil
        default: throw SystemError("accept")
        }
    }

    /// recvfrom(2) into raw memory; returns the byte count and the sender.
    public static func receive(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int) -> (Int, SocketAddress) {
        var peer = SocketAddress()
        peer.length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let n = withUnsafeMutablePointer(to: &peer.storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                recvfrom(fd, buffer, count, 0, $0, &peer.length)
            }
        }
        return (n, peer)
    }

    public static func send(_ fd: Int32, _ buffer: UnsafeRawPointer, count: Int, to address: SocketAddress?) -> Int {
        guard let address else { return Glibc.send(fd, buffer, count, Int32(MSG_NOSIGNAL)) }
        return address.withSockaddr { sendto(fd, buffer, count, Int32(MSG_NOSIGNAL), $0, $1) }
    }
}
