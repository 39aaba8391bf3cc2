/// An address and port: `127.0.0.1:8080`, `[::1]:8080`; a wildcard is `0.0.0.0:0` / `[::]:0`.
public struct SocketEndpoint: Hashable, Sendable, CustomStringConvertible {
    public let address: IPAddress
    public let port: UInt16

    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    public var description: String {
        address.isIPv6 ? "[\(address.description)]:\(port)" : "\(address.description):\(port)"
    }
}
