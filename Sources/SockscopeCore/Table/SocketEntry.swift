/// One row of /proc/net/{tcp,tcp6,udp,udp6}.
public struct SocketEntry: Hashable, Sendable {
    /// The `tr` column: which timer is pending.
    public enum Timer: UInt8, Sendable {
        case none = 0, retransmit = 1, keepalive = 2, timeWait = 3, zeroWindowProbe = 4

        public var name: String {
            switch self {
            case .none: "off"
            case .retransmit: "on"          // retransmission timer (ss: "on")
            case .keepalive: "keepalive"
            case .timeWait: "timewait"
            case .zeroWindowProbe: "persist"
            }
        }
    }

    public var proto: SocketProtocol
    public var local: SocketEndpoint
    public var remote: SocketEndpoint
    /// The raw `st` column: a TCP state code, which UDP reuses (1 connected, 7 unconnected).
    public var stateCode: UInt8
    public var sendQueue: UInt32
    public var recvQueue: UInt32
    public var timer: Timer
    /// Until the timer fires, in clock ticks (USER_HZ, 100 per second).
    public var timerTicks: UInt32
    public var retransmits: UInt32
    public var uid: UInt32
    public var inode: UInt64

    public init(proto: SocketProtocol, local: SocketEndpoint, remote: SocketEndpoint, stateCode: UInt8,
                sendQueue: UInt32 = 0, recvQueue: UInt32 = 0, timer: Timer = .none, timerTicks: UInt32 = 0,
                retransmits: UInt32 = 0, uid: UInt32 = 0, inode: UInt64 = 0) {
        self.proto = proto
        self.local = local
        self.remote = remote
        self.stateCode = stateCode
        self.sendQueue = sendQueue
        self.recvQueue = recvQueue
        self.timer = timer
        self.timerTicks = timerTicks
        self.retransmits = retransmits
        self.uid = uid
        self.inode = inode
    }

    public var tcpState: TCPState? { proto.isTCP ? TCPState(rawValue: stateCode) : nil }

    public var state: SocketState { SocketState(proto: proto, code: stateCode) }

    /// The state as ss names it: TCP states by their kernel names; UDP `ESTABLISHED` (connected)
    /// or `UNCONN`.
    public var stateName: String { state.name }

    /// The timer's name as this socket uses it: an orphaned FIN_WAIT2 waits out
    /// `tcp_fin_timeout` on the keepalive timer (a full socket) or the timewait one (once handed
    /// to a timewait socket), and showed `keepalive 57.6s` in one place and `timewait 58.4s` in
    /// another; both are `fin_timeout`.
    public var timerName: String {
        if state == .tcp(.finWait2) && (timer == .keepalive || timer == .timeWait) { return "fin_timeout" }
        return timer.name
    }

    /// Milliseconds until the pending timer fires, or nil when no timer is pending.
    public var expiresMs: Int? { timer == .none ? nil : Int(timerTicks) * 10 }
}
