import Glibc
import Testing
import SockscopeCore
import TestSupport
@testable import SockscopeTransport

struct SocketAddressTests {
    @Test func unixPathsAndAbstractNames() async throws {
        try await offPool { () throws in
            let path = try SocketAddress(unixPath: "/tmp/x.sock")
            #expect(path.unixPath == "/tmp/x.sock")
            let abstract = try SocketAddress(unixPath: "@name")
            #expect(abstract.unixPath == "@name")
            #expect(throws: TransportError.self) { try SocketAddress(unixPath: String(repeating: "p", count: 200)) }
        }
    }

    @Test func resolvesNumericAddressesAndFormatsThem() async throws {
        try await offPool { () throws in
            let v4 = try Resolver.resolve(host: "127.0.0.1", port: 8080, family: .any, datagram: false, numeric: true, passive: false)
            #expect(v4.first?.display == "127.0.0.1:8080")
            let v6 = try Resolver.resolve(host: "::1", port: 53, family: .inet6, datagram: true, numeric: true, passive: false)
            #expect(v6.first?.display == "[::1]:53" && v6.first?.port == 53)
            #expect(throws: TransportError.self) {
                try Resolver.resolve(host: "::1", port: 1, family: .inet, datagram: false, numeric: true, passive: false)
            }
        }
    }

    @Test func servicesFromEtcServices() async throws {
        try await offPool { () throws in
            #expect(Resolver.port(ofService: "ssh", datagram: false) == 22)
            #expect(Resolver.service(ofPort: 22, datagram: false) == "ssh")
            #expect(Resolver.service(ofPort: 80, datagram: false) == "http")
            #expect(Resolver.port(ofService: "no-such-service", datagram: false) == nil)
        }
    }
}

struct ProcFileTests {
    /// /proc files report size 0 and return one page per read: the whole file must come back.
    @Test func readsPastTheFirstPage() async throws {
        try await offPool { () throws in
            let text = ProcFile.read("/proc/self/maps") ?? ""
            #expect(text.utf8.count > 0)
            #expect(text.hasSuffix("\n"))
            #expect(ProcFile.read("/proc/nonexistent") == nil)
        }
    }
}

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

/// TCP_INFO of any socket through sock_diag (INET_DIAG_INFO, as `ss -i`), not only through
/// getsockopt on our own: the screen shows it for every row.
struct DumpedTCPInfoTests {
    /// A receiver that never reads: the sender's dumped TCP_INFO shows the peer's window closed
    /// to 0 and the bytes acked, the receiver's an open window; getsockopt on the sender agrees.
    @Test func aClosedWindowShowsInTheDump() async throws {
        try await offPool { () throws in
            let pair = try LoopbackPair()
            var server: Int32 = -1
            let deadline = now() + 5
            while server < 0 && now() < deadline {
                var entry = pollfd(fd: pair.listener, events: Int16(POLLIN), revents: 0)
                _ = poll(&entry, 1, 100)
                if let accepted = try Socket.accept(pair.listener) { server = accepted.fd }
            }
            try #require(server >= 0)
            defer { close(server) }
            var small: Int32 = 4096
            setsockopt(server, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
            _ = fcntl(pair.client, F_SETFL, fcntl(pair.client, F_GETFL) | O_NONBLOCK)
            let clientAddress = Socket.localAddress(pair.client)
            let chunk = [UInt8](repeating: 0x78, count: 65536)
            var infos: [UInt16: TCPInfo] = [:]
            // Fill until the receiver's window is 0 as the sender sees it (bounded: 5 s).
            while now() < deadline {
                _ = chunk.withUnsafeBytes { send(pair.client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                infos = [:]
                _ = SockDiagReader.readTCP { entry, info in
                    let ends = (entry.local.port, entry.remote.port)
                    if ends == (clientAddress.port, pair.address.port) || ends == (pair.address.port, clientAddress.port) {
                        infos[entry.local.port] = info
                    }
                }
                if infos[clientAddress.port]?.sendWindow == 0 { break }
                var entry = pollfd(fd: pair.client, events: Int16(POLLOUT), revents: 0)
                _ = poll(&entry, 1, 20)
            }
            let sender = try #require(infos[clientAddress.port])
            let receiver = try #require(infos[pair.address.port])
            #expect(sender.state == .established && receiver.state == .established)
            #expect(sender.sendWindow == 0)
            #expect(sender.bytesAcked > 1)
            #expect((receiver.sendWindow ?? 0) > 0)
            #expect(receiver.bytesReceived >= sender.bytesAcked - 1)  // the SYN counts one in bytes_acked
            let direct = try #require(TCPInfoReader.read(pair.client))
            #expect(direct.sendWindow == 0 && direct.mss == sender.mss)
        }
    }
}
