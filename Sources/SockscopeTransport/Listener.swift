import Glibc

/// Binding for -l: a stream socket listening with the kernel's largest backlog (nc's backlog of 1
/// drops SYNs under load), or a bound datagram socket.
public enum Listener {
    public static func open(at address: SocketAddress, datagram: Bool) throws(SystemError) -> Int32 {
        let fd = try Socket.make(family: address.family, datagram: datagram)
        do throws(SystemError) {
            if address.family != AF_UNIX {
                Socket.setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
            }
            try Socket.bind(fd, to: address)
            if !datagram {
                guard listen(fd, SOMAXCONN) == 0 else { throw SystemError("listen") }
            }
            return fd
        } catch {
            close(fd)
            throw error
        }
    }
}
