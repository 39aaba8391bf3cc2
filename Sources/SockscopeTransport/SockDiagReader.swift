import CLinux
import Glibc
import SockscopeCore

/// The socket tables through NETLINK_SOCK_DIAG, as ss reads them: the same rows as /proc/net
/// without the kernel formatting text (measured here: 0.34 ms + 0.89 µs per socket, against
/// 4.3 ms + 1.64 µs per table for /proc). nil when netlink is unavailable (no udp_diag module,
/// a restricted sandbox): the caller reads /proc instead.
public enum SockDiagReader {
    public static func read(_ proto: SocketProtocol, info: ((SocketEntry, TCPInfo) -> Void)? = nil) -> [SocketEntry]? {
        dump(family: proto.isIPv6 ? AF_INET6 : AF_INET, protocol: Int32(proto.isTCP ? IPPROTO_TCP : IPPROTO_UDP), info: info)
    }

    /// The tcp and tcp6 tables together, in one walk of the kernel's tables; with `info`, each
    /// socket's TCP_INFO (INET_DIAG_INFO, as `ss -i`) is handed to it as the dump is read, for
    /// it to keep what it shows (the screen; `states` does not ask, and pays nothing).
    public static func readTCP(info: ((SocketEntry, TCPInfo) -> Void)? = nil) -> [SocketEntry]? {
        dump(family: AF_UNSPEC, protocol: Int32(IPPROTO_TCP), info: info)
    }

    static func dump(family: Int32, protocol ipProto: Int32, info: ((SocketEntry, TCPInfo) -> Void)? = nil) -> [SocketEntry]? {
        var raw: UnsafeMutablePointer<clinux_diag_entry>?
        var infos: UnsafeMutablePointer<clinux_tcp_info>?
        var count = 0
        let result = info == nil ? clinux_inet_diag_dump(family, ipProto, &raw, &count, nil)
                                 : clinux_inet_diag_dump(family, ipProto, &raw, &count, &infos)
        guard result == 0 else { return nil }
        defer {
            free(raw)
            free(infos)
        }
        guard let raw else { return [] }
        var entries: [SocketEntry] = []
        entries.reserveCapacity(count)
        let tcp = ipProto == Int32(IPPROTO_TCP)
        for index in 0..<count {
            let e = raw[index]
            // A dual-stack socket's v4-mapped connections are AF_INET6 sockets, in tcp6 as in /proc.
            let v6 = Int32(e.family) == AF_INET6
            let proto: SocketProtocol = tcp ? (v6 ? .tcp6 : .tcp) : (v6 ? .udp6 : .udp)
            let local = endpoint(e.local, port: e.local_port, v6: v6)
            let remote = endpoint(e.remote, port: e.remote_port, v6: v6)
            entries.append(SocketEntry(
                proto: proto, local: local, remote: remote, stateCode: e.state,
                sendQueue: e.send_queue, recvQueue: e.recv_queue,
                timer: SocketEntry.Timer(rawValue: e.timer) ?? .none,
                // /proc counts ticks of 10 ms; keep the same unit.
                timerTicks: e.timer == 0 ? 0 : (e.expires_ms + 9) / 10,
                retransmits: UInt32(e.retransmits), uid: e.uid, inode: UInt64(e.inode)))
            if let info, let infos, infos[index].known != 0, let entry = entries.last {
                info(entry, TCPInfoReader.decoded(infos[index]))
            }
        }
        return entries
    }

    public static func endpoint(_ bytes: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                                   UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8),
                         port: UInt16, v6: Bool) -> SocketEndpoint {
        // Network order in memory: load big-endian words, no intermediate arrays.
        let address = withUnsafeBytes(of: bytes) { raw -> IPAddress in
            if v6 {
                return IPAddress(ipv6High: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                                 low: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
            }
            return IPAddress(ipv4: UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt32.self)))
        }
        return SocketEndpoint(address: address, port: port)
    }
}
