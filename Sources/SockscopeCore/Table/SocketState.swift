/// The state of a socket, as ss names it: a TCP state, or — UDP has no states — whether a UDP
/// socket is connected to one peer (`ESTABLISHED`, as ss calls it) or not (`UNCONN`). Code
/// compares these; `name` is for people and for JSON.
public enum SocketState: Hashable, Sendable {
    case tcp(TCPState)
    case udpConnected
    case udpUnconnected
    /// A TCP state number this tool does not know (a kernel newer than it).
    case unknown(UInt8)

    public init(proto: SocketProtocol, code: UInt8) {
        if proto.isTCP {
            self = TCPState(rawValue: code).map(SocketState.tcp) ?? .unknown(code)
        } else {
            self = code == TCPState.established.rawValue ? .udpConnected : .udpUnconnected
        }
    }

    public var name: String {
        switch self {
        case .tcp(let state): state.name
        case .udpConnected: "ESTABLISHED"
        case .udpUnconnected: "UNCONN"
        case .unknown(let code): "UNKNOWN(\(code))"
        }
    }

    /// The name on the screen, where a connected UDP socket is not called ESTABLISHED: nothing
    /// was established, connect() only fixed its peer.
    public var screenName: String { self == .udpConnected ? "CONNECTED" : name }

    public var tcp: TCPState? {
        if case .tcp(let state) = self { return state }
        return nil
    }
}
