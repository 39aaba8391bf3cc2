/// One `sock/inet_sock_set_state` event, as the kernel recorded it in the ring buffer (decoded by
/// `TracePage`): every TCP state change of every socket on the machine, in every network
/// namespace (`NamespaceSieve` keeps ours).
public struct TraceEvent: Sendable, Equatable {
    /// Seconds on the trace clock (the instance is set to `mono`: CLOCK_MONOTONIC).
    public var time: Double
    /// The kernel's address of the socket (skaddr): its identity while it lives. A connecting
    /// socket's first event has no local port yet; this ties it to the ones that follow.
    public var socket: UInt64
    /// The task that was running when the state changed: often not the socket's owner (softirq).
    public var pid: Int32
    /// The CPU whose ring buffer recorded it.
    public var cpu: Int
    public var local: SocketEndpoint
    public var remote: SocketEndpoint
    public var ipv6: Bool
    public var from: TCPState
    public var to: TCPState
    /// How it reached us: through the eBPF program or tracefs.
    public var source: Transition.Source = .tracefs

    public init(time: Double, socket: UInt64, pid: Int32 = 0, cpu: Int = 0, local: SocketEndpoint, remote: SocketEndpoint,
                ipv6: Bool, from: TCPState, to: TCPState) {
        self.time = time
        self.socket = socket
        self.pid = pid
        self.cpu = cpu
        self.local = local
        self.remote = remote
        self.ipv6 = ipv6
        self.from = from
        self.to = to
    }
}
