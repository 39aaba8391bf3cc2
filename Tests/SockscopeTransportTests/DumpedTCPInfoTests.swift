import Glibc
import Testing
import SockscopeCore
import TestSupport
@testable import SockscopeTransport

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
