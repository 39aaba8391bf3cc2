import Glibc
@testable import SockscopeApp
@testable import SockscopeCore
import SockscopeTransport

/// A lesson's lab without root: a small model of two TCP ends on a wire whose holds drop
/// segments, enough for the handshake and the four-way close. Each call and each round moves the
/// model on as far as the holds let it (a held segment is sent again every round, as a
/// retransmission would be), and reports what the real lab reports: the table (with a timewait
/// socket's timer), the segments with their drops, the tracepoint's records, and the exact
/// lookup of a timewait socket. The lessons' checks judge it as they judge the kernel.
final class FakeLab: Lab {
    var observation = LabObservation()
    var readsCounters = false
    let traceUnavailable: String? = nil
    private(set) var holds: [Hold] = []
    var heldNames: [String] { holds.map(\.name) }
    var descriptors: [Int32] { [] }
    private(set) var performed: [String] = []
    private(set) var stopped = false
    /// Each end's state; a timewait socket's connection is in `timewait`.
    var states: [LabEnd: TCPState] = [:]
    var timewait: [LabEnd: TCPState] = [:]
    var clients: [LabEnd] = []
    private var traced: [TraceEvent] = []
    private var told = 0
    private var analyzer = SegmentAnalyzer()
    private var socketIDs: [LabEnd: UInt64] = [:]

    func perform(_ action: LabAction) throws(TransportError) {
        performed.append(action.text)
        switch action {
        case .sysctl, .accept, .reuseAddress: break
        case .listen(let end, _): change(end, to: .listen)
        case .hold(let hold): holds.append(hold)
        case .release(let hold): holds.removeAll { $0 == hold }
        case .connect(let client):
            clients.append(client)
            change(client, to: .synSent, connecting: true)
            send(.syn, from: client, to: .server(of: client))
            change(.server(of: client), to: .synRecv, traced: false)  // a request socket: the table's only
        case .close(let end):
            switch states[end] {
            case .established?:
                change(end, to: .finWait1)
                send(.fin, from: end, to: peer(of: end))
                change(peer(of: end), to: .closeWait)
            case .closeWait?:
                change(end, to: .lastAck)
                send(.fin, from: end, to: peer(of: end))
                if states[peer(of: end)] == .finWait2 { enterTimeWait(peer(of: end)) }
            default:
                throw TransportError("the fake lab cannot close \(end) in \(states[end]?.name ?? "no state")")
            }
        default:
            throw TransportError("the fake lab cannot: \(action.text)")
        }
        advance()
    }

    /// What the held segments' ends do next, each round: SYN-ACK and ACK of the handshake, the
    /// ACK of a FIN — dropped while held, else delivered with its effect.
    func advance() {
        for client in clients {
            let server = LabEnd.server(of: client)
            if states[client] == .synSent, send(.synAck, from: server, to: client) {
                change(client, to: .established)
            }
            if states[client] == .established, states[server] == .synRecv, send(.ack, from: client, to: server) {
                change(server, to: .established, from: .synRecv)
            }
            // A FIN not yet acknowledged is sent again, and answered.
            for (closer, other) in [(client, server), (server, client)] {
                if states[closer] == .finWait1, states[other] == .closeWait {
                    send(.fin, from: closer, to: other)
                    if send(.ack, from: other, to: closer) { change(closer, to: .finWait2) }
                }
                if states[closer] == .lastAck, timewait[other] != nil {
                    send(.fin, from: closer, to: other)
                    if send(.ack, from: other, to: closer) { change(closer, to: .close) }
                }
            }
        }
        publish()
    }

    func round() -> (segments: ArraySlice<LabSegment>, transitions: [TraceEvent]) {
        advance()
        defer {
            told = observation.segments.count
            traced = []
        }
        return (observation.segments[told...], traced)
    }

    func flush() -> ArraySlice<LabSegment> {
        defer { told = observation.segments.count }
        return observation.segments[told...]
    }

    func timewaitState(_ key: ConnectionKey) -> TCPState? {
        timewait.first { $0.key.local == key.local && $0.key.remote == key.remote }?.value
    }

    func stop() { stopped = true }

    // MARK: The model

    func peer(of end: LabEnd) -> LabEnd {
        clients.contains(end) ? .server(of: end) : clients.first { LabEnd.server(of: $0) == end } ?? end
    }

    /// A state change, traced as the kernel would (a request socket's is not).
    func change(_ end: LabEnd, to state: TCPState, from: TCPState? = nil, traced: Bool = true, connecting: Bool = false) {
        let before = from ?? states[end] ?? .close
        if state == .close { states[end] = nil } else { states[end] = state }
        guard traced else { return }
        let id = socketIDs[end] ?? UInt64(socketIDs.count + 1)
        socketIDs[end] = id
        // A connecting socket's first record has no port yet.
        let local = connecting ? SocketEndpoint(address: end.local.address, port: 0) : end.local
        var event = TraceEvent(time: SystemIO.clockSeconds(CLOCK_MONOTONIC), socket: id, local: local,
                               remote: end.remote ?? SocketEndpoint(address: IPAddress(ipv4: 0), port: 0), ipv6: false,
                               from: before, to: state)
        event.source = .ebpf
        self.traced.append(event)
    }

    /// FIN_WAIT2 to TIME_WAIT as Linux does it: the full socket closes, a timewait socket
    /// takes the connection over.
    func enterTimeWait(_ end: LabEnd) {
        change(end, to: .close)
        timewait[end] = .timeWait
    }

    /// A segment of the model's wire.
    enum Sent { case syn, synAck, ack, fin }

    /// A segment on the wire: captured, and dropped when a hold says so (as the lab's nft rules:
    /// an ACK hold drops bare ACKs, not FINs). Returns whether it arrived.
    @discardableResult
    func send(_ sent: Sent, from: LabEnd, to: LabEnd) -> Bool {
        let kind: Hold.Kind? = switch sent {
        case .syn: .syn
        case .synAck: .synAck
        case .ack: .ack
        case .fin: nil
        }
        let dropped = holds.contains { ($0.kind == kind || $0.kind == .any) && $0.to.local == to.local }
        let flags: TCPFlags = switch sent {
        case .syn: .syn
        case .synAck: [.syn, .ack]
        case .ack: .ack
        case .fin: [.fin, .ack]
        }
        let header = TCPHeader(flags: flags, sequence: 1, acknowledgment: 1, window: 65535, urgentPointer: 0, dataLength: 0, options: [])
        let frame = DecodedFrame(source: from.local, destination: to.local, transport: .tcp(header))
        let segment = analyzer.analyze(frame, time: SystemIO.clockSeconds(CLOCK_REALTIME))
        observation.segments.append(LabSegment(segment: segment, dropped: dropped))
        return !dropped
    }

    /// The table as sock_diag would show it: full sockets, and timewait sockets with 60 s to go.
    func publish() {
        let zero = SocketEndpoint(address: IPAddress(ipv4: 0), port: 0)
        observation.table = states.map { end, state in
            SocketEntry(proto: .tcp, local: end.local, remote: end.remote ?? zero, stateCode: state.rawValue)
        } + timewait.map { end, state in
            SocketEntry(proto: .tcp, local: end.local, remote: end.remote ?? zero, stateCode: state.rawValue,
                        timer: .timeWait, timerTicks: 6000)
        }
    }
}
