/// Which sockets `sockscope states` shows: --tcp, --udp, -4, -6, --listening, --state, --port.
public struct StatesFilter: Sendable, Equatable {
    public var tcp = false
    public var udp = false
    public var ipv4Only = false
    public var ipv6Only = false
    public var listening = false
    /// The states shown; empty: all.
    public var states: Set<SocketState> = []
    /// Either end's port.
    public var port: UInt16?

    public init() {}

    /// The states `--state` names (any spelling TCPState(name:) takes, plus UNCONN).
    public static func states(_ list: String) throws(UsageError) -> Set<SocketState> {
        var states: Set<SocketState> = []
        for word in list.split(separator: ",") {
            guard let named = Self.states(named: String(word)) else {
                throw UsageError("unknown state: \(word) (one of \(TCPState.allCases.map(\.name).joined(separator: ", ")), UNCONN)")
            }
            states.formUnion(named)
        }
        // `--state ,,,` would otherwise filter nothing, silently.
        guard !states.isEmpty else { throw UsageError("--state: no state named in '\(list)'") }
        return states
    }

    /// One name's states: as in ss, ESTABLISHED is also a connected UDP socket; UNCONN an
    /// unconnected one. nil for a name that is none.
    public static func states(named text: String) -> Set<SocketState>? {
        if text.uppercased() == "UNCONN" { return [.udpUnconnected] }
        guard let state = TCPState(name: text) else { return nil }
        return state == .established ? [.tcp(.established), .udpConnected] : [.tcp(state)]
    }

    /// The tables to read: both kinds unless one is asked for.
    public var protocols: [SocketProtocol] { SocketProtocol.allCases.filter(includes) }

    /// Whether sockets of `proto` are shown, from the flags alone (it runs for every row).
    public func includes(_ proto: SocketProtocol) -> Bool {
        (proto.isTCP ? tcp || !udp : udp || !tcp) && !(ipv4Only && proto.isIPv6) && !(ipv6Only && !proto.isIPv6)
    }

    /// A captured frame is shown when its protocol, family and either port pass; states do not
    /// apply to segments (they carry none).
    public func matches(_ frame: DecodedFrame) -> Bool {
        guard includes(frame.proto) else { return false }
        if let port, frame.source.port != port && frame.destination.port != port { return false }
        return true
    }

    public func matches(_ entry: SocketEntry) -> Bool {
        guard includes(entry.proto) else { return false }
        if listening {
            // A listening TCP socket, or an unconnected UDP one (ss -l shows both).
            guard entry.state == .tcp(.listen) || entry.state == .udpUnconnected else { return false }
        }
        if !states.isEmpty && !states.contains(entry.state) { return false }
        if let port, entry.local.port != port && entry.remote.port != port { return false }
        return true
    }
}
