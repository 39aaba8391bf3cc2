import CLinux
import Glibc
import SockscopeCore

/// One connection's TCP state by an exact sock_diag lookup: not a dump that a busy table can
/// change under, and no root needed. The tracepoint's sieve asks it whether a socket is of this
/// namespace; without the tracepoint, the screen asks it where our closed socket went.
public final class SocketLookup {
    let fd: Int32

    /// nil when sock_diag is unavailable (errno says why).
    public init?() {
        fd = clinux_diag_open()
        guard fd >= 0 else { return nil }
    }

    deinit { close(fd) }

    /// The state of this namespace's socket with the key's addresses and ports (a timewait
    /// socket's substate, TIME_WAIT or FIN_WAIT2): nil when there is none.
    public func state(of key: ConnectionKey) -> TCPState? {
        guard key.proto.isTCP else { return nil }
        var local = key.local.address.bytes
        var remote = key.remote.address.bytes
        let code = clinux_diag_state(fd, key.proto.isIPv6 ? AF_INET6 : AF_INET, &local, key.local.port, &remote, key.remote.port)
        return code > 0 ? TCPState(rawValue: UInt8(code)) : nil
    }

    func exists(_ key: ConnectionKey) -> Bool {
        var local = key.local.address.bytes
        var remote = key.remote.address.bytes
        return clinux_diag_exists(fd, key.proto.isIPv6 ? AF_INET6 : AF_INET, &local, key.local.port, &remote, key.remote.port) == 1
    }
}
