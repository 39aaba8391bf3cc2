/// Which table a socket came from, as /proc/net names them and `--json` reports them.
public enum SocketProtocol: String, Sendable, CaseIterable {
    case tcp, tcp6, udp, udp6

    public var isTCP: Bool { self == .tcp || self == .tcp6 }
    /// tcp, tcp6, udp, udp6: the order tables are shown in.
    public var order: Int {
        switch self {
        case .tcp: 0
        case .tcp6: 1
        case .udp: 2
        case .udp6: 3
        }
    }
    public var isIPv6: Bool { self == .tcp6 || self == .udp6 }
}
