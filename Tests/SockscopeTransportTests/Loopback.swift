import Glibc
import Testing
@testable import SockscopeTransport

/// A listening socket on 127.0.0.1 (or `host`; port 0) and a client connected to it, both closed on deinit.
final class LoopbackPair {
    let listener: Int32
    let address: SocketAddress
    let client: Int32

    init(host: String = "127.0.0.1") throws {
        let wildcard = try #require(Resolver.resolve(host: host, port: 0, family: host.contains(":") ? .inet6 : .inet, datagram: false,
                                                     numeric: true, passive: true).first)
        listener = try Listener.open(at: wildcard, datagram: false)
        address = Socket.localAddress(listener)
        client = try Dialer(datagram: false, timeout: 5, source: nil, sourcePort: nil, signalFD: -1)
            .connect(to: address).get()
    }

    deinit {
        close(listener)
        close(client)
    }
}
