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
