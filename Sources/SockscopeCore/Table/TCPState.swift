/// The kernel's TCP states (include/net/tcp_states.h), with their codes as /proc/net/tcp and the
/// sock/inet_sock_set_state tracepoint report them, shown under the kernel's names as ss does.
public enum TCPState: UInt8, CaseIterable, Sendable, Comparable {
    case established = 1   // ESTABLISHED
    case synSent = 2       // SYN_SENT
    case synRecv = 3       // SYN_RECV
    case finWait1 = 4      // FIN_WAIT1
    case finWait2 = 5      // FIN_WAIT2
    case timeWait = 6      // TIME_WAIT
    case close = 7         // CLOSE
    case closeWait = 8     // CLOSE_WAIT
    case lastAck = 9       // LAST_ACK
    case listen = 10       // LISTEN
    case closing = 11      // CLOSING
    case newSynRecv = 12   // NEW_SYN_RECV

    public var name: String {
        switch self {
        case .established: "ESTABLISHED"
        case .synSent: "SYN_SENT"
        case .synRecv: "SYN_RECV"
        case .finWait1: "FIN_WAIT1"
        case .finWait2: "FIN_WAIT2"
        case .timeWait: "TIME_WAIT"
        case .close: "CLOSE"
        case .closeWait: "CLOSE_WAIT"
        case .lastAck: "LAST_ACK"
        case .listen: "LISTEN"
        case .closing: "CLOSING"
        case .newSynRecv: "NEW_SYN_RECV"
        }
    }

    /// RFC 9293's name where it is another word, not only another spelling: the kernel's
    /// SYN_RECV is the RFC's SYN-RECEIVED, CLOSE is CLOSED; NEW_SYN_RECV is Linux's own.
    public var rfcName: String? {
        switch self {
        case .synRecv: "SYN-RECEIVED"
        case .close: "CLOSED"
        case .newSynRecv: "SYN-RECEIVED, as a request socket"
        default: nil
        }
    }

    /// `SYN_RECV (SYN-RECEIVED)`: the kernel's name, then the RFC's where it differs.
    public var nameWithRFC: String { rfcName.map { "\(name) (\($0))" } ?? name }

    /// Accepts `FIN_WAIT1`, ss's `fin-wait-1` and `estab`, the tracepoint's `TCP_FIN_WAIT1`.
    public init?(name: String) {
        var key = String(name.uppercased().map { $0 == "-" ? "_" : $0 })
        if key.hasPrefix("TCP_") { key.removeFirst(4) }
        if key.hasSuffix("_1") || key.hasSuffix("_2") { key.remove(at: key.index(key.endIndex, offsetBy: -2)) }
        if key == "ESTAB" { key = "ESTABLISHED" }
        guard let state = TCPState.allCases.first(where: { $0.name == key }) else { return nil }
        self = state
    }

    public static func < (a: TCPState, b: TCPState) -> Bool { a.rawValue < b.rawValue }
}
