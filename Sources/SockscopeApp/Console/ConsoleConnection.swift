import Glibc
import SockscopeCore
import SockscopeTransport

/// One connection of the screen's session: its socket, the bytes waiting to be sent, and which
/// halves are still open.
final class ConsoleConnection {
    let id: Int
    let fd: Int32
    let peer: SocketAddress?
    let datagram: Bool
    /// The connection as the socket tables name it (nil for Unix sockets).
    let key: SnapshotDiffer.Key?
    var outgoing: [UInt8] = []
    var readOpen = true
    var writeOpen = true
    /// /shutdown or -N asked for FIN once `outgoing` has drained.
    var shutdownWhenDrained = false
    var closed = false

    init(id: Int, fd: Int32, peer: SocketAddress?, datagram: Bool) {
        self.id = id
        self.fd = fd
        self.peer = peer
        self.datagram = datagram
        let local = Socket.localAddress(fd)
        if let ours = local.endpoint, let theirs = peer?.endpoint {
            let proto: SocketProtocol = local.family == AF_INET6 ? (datagram ? .udp6 : .tcp6) : (datagram ? .udp : .tcp)
            key = SnapshotDiffer.Key(proto: proto, local: ours, remote: theirs)
        } else {
            key = nil
        }
    }

    deinit { if !closed { Glibc.close(fd) } }

    func close(reset: Bool = false) {
        guard !closed else { return }
        if reset {
            // SO_LINGER with a zero timeout: close() sends RST and discards unsent data.
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        }
        Glibc.close(fd)
        closed = true
        readOpen = false
        writeOpen = false
    }
}
