/// What a lesson step does in the lab, in order: socket calls on ends the lab owns, holds switched
/// on and off, the wire slowed, sysctls of the lesson's namespace.
public enum LabAction: Hashable, Sendable {
    /// socket, bind, listen(backlog).
    case listen(LabEnd, backlog: Int)
    /// socket, bind to the end's address, a non-blocking connect() to its remote: the call returns
    /// at once; how it ends (ESTABLISHED, ECONNREFUSED, ETIMEDOUT) is observed afterwards.
    case connect(LabEnd)
    /// accept() on the listener: takes `end`'s connection from the accept queue.
    case accept(LabEnd)
    /// Writes `bytes` bytes (as much as the send buffer takes; the rest is dropped and counted).
    case send(LabEnd, bytes: Int)
    /// Reads everything waiting (and keeps reading at every round from then on).
    case read(LabEnd)
    /// shutdown(SHUT_WR): a FIN, the descriptor kept.
    case shutdown(LabEnd)
    case close(LabEnd)
    /// SO_LINGER 0, then close(): a RST instead of a FIN.
    case abort(LabEnd)
    /// SO_RCVBUF before connect or listen: a small window.
    case receiveBuffer(LabEnd, bytes: Int)
    /// SO_REUSEADDR before bind.
    case reuseAddress(LabEnd)
    /// TCP_USER_TIMEOUT: how long sent data may stay unacknowledged before the connection is
    /// given up (ETIMEDOUT).
    case userTimeout(LabEnd, milliseconds: Int)
    /// TCP_DEFER_ACCEPT on a listener: a connection is accepted only once data arrives.
    case deferAccept(LabEnd, seconds: Int)
    case hold(Hold)
    case release(Hold)
    /// A token bucket on the loopback (tc tbf): frames queue and wait their turn, so segments sent
    /// a moment apart by the two ends cross on the way. `nil` removes it.
    case slowWire(bitsPerSecond: Int?)
    /// A sysctl of the lesson's namespace, under net/ipv4.
    case sysctl(String, Int)
    /// UDP: socket and bind; then connect() when the end has a remote.
    case openDatagram(LabEnd)
    /// UDP: one datagram of `bytes` bytes to `to` (sendto) or to the connected remote.
    case sendDatagram(LabEnd, bytes: Int, to: SocketEndpoint?)
    /// Waits: only where time itself is the lesson (a timer runs out). Steps otherwise wait for
    /// what they expect, with a deadline.
    case pause(seconds: Double)

    /// A socket option set now or on the end's next socket (its call said with it, not alone).
    public var isOption: Bool {
        switch self {
        case .receiveBuffer, .reuseAddress, .userTimeout, .deferAccept: true
        default: false
        }
    }

    /// The socket the call is made on (nil: the lab's own, a hold, a sysctl, a pause).
    public var end: LabEnd? {
        switch self {
        case .listen(let end, _), .connect(let end), .accept(let end), .send(let end, _), .read(let end), .shutdown(let end),
             .close(let end), .abort(let end), .receiveBuffer(let end, _), .reuseAddress(let end), .userTimeout(let end, _),
             .deferAccept(let end, _), .openDatagram(let end), .sendDatagram(let end, _, _): end
        case .hold, .release, .slowWire, .sysctl, .pause: nil
        }
    }

    /// How the narration and the script name the call: `connect() client → 127.0.0.2:80`.
    public var text: String {
        switch self {
        case .listen(let end, let backlog): "listen() \(end) on \(end.local), backlog \(backlog)"
        case .connect(let end): "connect() \(end) \(end.local) → \(end.remote.map(\.description) ?? "?")"
        case .accept(let end): "accept() → \(end)"
        case .send(let end, let bytes): "send() \(bytes) bytes from \(end)"
        case .read(let end): "read() at \(end)"
        case .shutdown(let end): "shutdown(SHUT_WR) \(end)"
        case .close(let end): "close() \(end)"
        case .abort(let end): "SO_LINGER 0 and close() \(end)"
        case .receiveBuffer(let end, let bytes): "SO_RCVBUF \(bytes) on \(end)"
        case .reuseAddress(let end): "SO_REUSEADDR on \(end)"
        case .userTimeout(let end, let milliseconds): "TCP_USER_TIMEOUT \(milliseconds) ms on \(end)"
        case .deferAccept(let end, let seconds): "TCP_DEFER_ACCEPT \(seconds) s on \(end)"
        case .hold(let hold): "hold: drop \(hold.name)"
        case .release(let hold): "release: let \(hold.name) through"
        case .slowWire(let rate): rate.map { "slow the wire to \($0 / 1000) kbit/s" } ?? "wire back to full speed"
        case .sysctl(let name, let value): "sysctl net.ipv4.\(name)=\(value)"
        case .openDatagram(let end): "UDP socket \(end) on \(end.local)\(end.remote.map { ", connect() → \($0)" } ?? "")"
        case .sendDatagram(let end, let bytes, let to): "send \(bytes) bytes from \(end)\(to.map { " to \($0)" } ?? "")"
        case .pause(let seconds): "wait \(DurationText.short(seconds))"
        }
    }
}
