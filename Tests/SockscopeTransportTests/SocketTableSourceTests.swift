import Glibc
import Testing
import SockscopeCore
import TestSupport
@testable import SockscopeTransport

struct SocketTableSourceTests {
    /// Netlink and /proc describe the same sockets alike: state, endpoints, queues, inode.
    @Test func netlinkAgreesWithProc() async throws {
        try await offPool { () throws in
            // Sockets of our own, told apart from the rest of the machine by their ports.
            let pair = try LoopbackPair()
            let pair6 = try LoopbackPair(host: "::1")  // tcp6 comes with tcp in one dump
            let udp = try Listener.open(at: try #require(Resolver.resolve(
                host: "::1", port: 0, family: .inet6, datagram: true, numeric: true, passive: true).first), datagram: true)
            defer { close(udp) }
            let ports: Set<UInt16> = [pair.address.port, Socket.localAddress(pair.client).port, Socket.localAddress(udp).port,
                                      pair6.address.port, Socket.localAddress(pair6.client).port]

            func ours(_ source: ProcNetReader.Source) -> Set<String> {
                let reader = ProcNetReader(preferred: source)
                // Both ends ours (or no peer): another test's socket may reuse one of the port numbers.
                let rows = reader.read(SocketProtocol.allCases).filter {
                    ports.contains($0.local.port) && ($0.remote.port == 0 || ports.contains($0.remote.port))
                        && ["127.0.0.1", "::1"].contains($0.local.address.description)
                }
                #expect(Set(reader.sources.values) == [source])
                // A listener's Send-Q is its backlog through netlink (as ss shows) and 0 in /proc.
                return Set(rows.map { "\($0.proto) \($0.stateName) \($0.local) \($0.remote) \($0.recvQueue) \($0.inode)" })
            }
            let netlink = ours(.netlink), proc = ours(.proc)
            #expect(netlink.count == 7)  // per family a listener, client, the accepted half; the UDP socket
            #expect(netlink.filter { $0.hasPrefix("tcp6 ") }.count == 3)
            #expect(netlink == proc)
        }
    }
}
