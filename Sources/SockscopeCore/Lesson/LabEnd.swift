/// One socket of a lesson, by the name the narration gives it, with the addresses it has in the
/// lab's namespace. The addresses are fixed — the namespace is the lesson's alone — so a run's
/// narration, nft rules and recording read the same every time: clients on 127.0.0.1, ports
/// 40001 on; the server on 127.0.0.2, port 80.
public struct LabEnd: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    public var local: SocketEndpoint
    /// The end it talks to; nil for a listener or an unconnected UDP socket.
    public var remote: SocketEndpoint?
    public var datagram: Bool

    public init(name: String, local: SocketEndpoint, remote: SocketEndpoint?, datagram: Bool = false) {
        self.name = name
        self.local = local
        self.remote = remote
        self.datagram = datagram
    }

    public var description: String { name }

    public static let clientAddress = IPAddress(ipv4: 0x7F00_0001)
    public static let serverAddress = IPAddress(ipv4: 0x7F00_0002)
    public static let serverPort: UInt16 = 80

    public static let listener = LabEnd(name: "listener", local: SocketEndpoint(address: serverAddress, port: serverPort), remote: nil)

    /// The `number`th client (port 40000 + number) dialling the listener.
    public static func client(_ number: Int = 1) -> LabEnd {
        LabEnd(name: number == 1 ? "client" : "client \(number)",
               local: SocketEndpoint(address: clientAddress, port: UInt16(40000 + max(1, min(number, 999)))),
               remote: listener.local)
    }

    /// The server's end of `client`'s connection: a request socket until the handshake ends, then
    /// a socket in the accept queue, and a descriptor of ours once accepted.
    public static func server(of client: LabEnd) -> LabEnd {
        let suffix = client.name.dropFirst("client".count)
        return LabEnd(name: "server" + suffix, local: client.remote ?? listener.local, remote: client.local)
    }

    public static let client1 = client(1)
    public static let server1 = server(of: client1)

    /// Two ends that each connect to the other (simultaneous open): no listener.
    public static let peerA = LabEnd(name: "A", local: SocketEndpoint(address: clientAddress, port: 40001),
                                     remote: SocketEndpoint(address: serverAddress, port: 40002))
    public static let peerB = LabEnd(name: "B", local: SocketEndpoint(address: serverAddress, port: 40002),
                                     remote: SocketEndpoint(address: clientAddress, port: 40001))

    /// UDP sockets for the datagram lesson.
    public static func udp(_ name: String, _ address: IPAddress, _ port: UInt16, to remote: SocketEndpoint? = nil) -> LabEnd {
        LabEnd(name: name, local: SocketEndpoint(address: address, port: port), remote: remote, datagram: true)
    }
}
