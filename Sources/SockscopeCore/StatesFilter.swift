/// Which sockets `sockscope states` shows: --tcp, --udp, -4, -6, --listening, --state, --port.
public struct StatesFilter: Sendable, Equatable {
    public var tcp = false
    public var udp = false
    public var ipv4Only = false
    public var ipv6Only = false
    public var listening = false
    /// State names (any spelling TCPState(name:) takes, plus UNCONN); empty: all.
    public var states: Set<String> = []
    /// Either end's port.
    public var port: UInt16?

    public init() {}

    /// Validates `--state` names; returns the canonical names.
    public static func stateNames(_ list: String) throws(UsageError) -> Set<String> {
        var names: Set<String> = []
        for word in list.split(separator: ",") {
            let text = String(word)
            if text.uppercased() == "UNCONN" {
                names.insert("UNCONN")
            } else if let state = TCPState(name: text) {
                names.insert(state.name)
            } else {
                throw UsageError("unknown state: \(text) (one of \(TCPState.allCases.map(\.name).joined(separator: ", ")), UNCONN)")
            }
        }
        // `--state ,,,` would otherwise filter nothing, silently.
        guard !names.isEmpty else { throw UsageError("--state: no state named in '\(list)'") }
        return names
    }

    /// The tables to read: both kinds unless one is asked for.
    public var protocols: [SocketProtocol] { SocketProtocol.allCases.filter(includes) }

    /// Whether sockets of `proto` are shown, from the flags alone (it runs for every row).
    public func includes(_ proto: SocketProtocol) -> Bool {
        (proto.isTCP ? tcp || !udp : udp || !tcp) && !(ipv4Only && proto.isIPv6) && !(ipv6Only && !proto.isIPv6)
    }

    public func matches(_ entry: SocketEntry) -> Bool {
        guard includes(entry.proto) else { return false }
        if listening {
            // A listening TCP socket, or an unconnected UDP one (ss -l shows both).
            guard entry.tcpState == .listen || (!entry.proto.isTCP && entry.stateName == "UNCONN") else { return false }
        }
        if !states.isEmpty && !states.contains(entry.stateName) { return false }
        if let port, entry.local.port != port && entry.remote.port != port { return false }
        return true
    }
}
