/// The kernel's retransmissions (DESIGN.md source 3): `tcp/tcp_retransmit_skb`, copied into the
/// transitions' ring by the same kind of program, so that `states --events` shows each segment
/// the kernel sends again — and the state its socket was in — as bcc's tcpretrans does, without
/// the capture. The layout is read from the running kernel's format file.
public struct RetransmitTracepoint: Sendable, Equatable {
    /// One segment sent again, by the socket `local`, to `remote`.
    public struct Retransmit: Sendable, Equatable {
        /// CLOCK_MONOTONIC seconds.
        public var time: Double
        public var local: SocketEndpoint
        public var remote: SocketEndpoint
        /// The socket's state when it resent (nil for a value the kernel did not name).
        public var state: TCPState?

        public init(time: Double, local: SocketEndpoint, remote: SocketEndpoint, state: TCPState?) {
            self.time = time
            self.local = local
            self.remote = remote
            self.state = state
        }
    }

    public let copy: TransitionProgram.Copy
    let state: TraceLayout.Field
    let ends: SocketFields

    /// From the event's format file; nil for a layout sockscope does not know.
    public init?(format: String) {
        let table = TraceLayout.fields(format)
        guard let id = TraceLayout.eventID(format), let socket = table["skaddr"], socket.size == 8,
              let state = table["state"], state.size == 4, let ends = SocketFields(table) else { return nil }
        copy = .init(socket: socket.offset, proto: nil, recordLength: ResetTracepoints.length([socket, state] + ends.fields), eventID: id)
        self.state = state
        self.ends = ends
    }

    /// A copied record (the tracepoint's part) as a retransmission; nil for another event or a
    /// short record.
    public func retransmit(_ record: UnsafeRawBufferPointer, time: UInt64) -> Retransmit? {
        guard record.count >= copy.recordLength, record.loadUnaligned(fromByteOffset: 0, as: UInt16.self) == copy.eventID else {
            return nil
        }
        let (local, remote) = ends.endpoints(record)
        let code = record.loadUnaligned(fromByteOffset: state.offset, as: Int32.self)
        return Retransmit(time: Double(time) / 1e9, local: local, remote: remote,
                          state: UInt8(exactly: code).flatMap(TCPState.init(rawValue:)))
    }
}

/// How `states --events` prints a retransmission: `TIME tcp LOCAL PEER retransmit (STATE)
/// ebpf`, or a JSON line of kind "retransmit".
extension RetransmitTracepoint.Retransmit {
    public var entry: SocketEntry {
        SocketEntry(proto: .tcp, local: local, remote: remote, stateCode: state?.rawValue ?? 0)
    }

    /// Whether `states --events`'s filter lets it through (--state matches the socket's state).
    public func matches(_ filter: StatesFilter) -> Bool {
        let state = self.state.map(SocketState.tcp)
        return Transition(time: time, entry: entry, from: state, to: state, duration: nil).matches(filter)
    }

    public func line(clock: String) -> String {
        "\(clock) tcp \(local) \(remote) retransmit (\(state?.name ?? "?")) ebpf"
    }

    public func json(wallTime: Double) -> JSONValue {
        .object([
            ("kind", .string("retransmit")), ("time", .double(wallTime)), ("proto", .string("tcp")),
            ("local", .string(local.description)), ("remote", .string(remote.description)),
            ("state", state.map { .string($0.name) } ?? .null), ("source", .string("ebpf")),
            ("explanation", .string(explanation)),
        ])
    }

    /// In words for learners: what the kernel resent, by the state it was in.
    public var explanation: String {
        switch state {
        case .synSent: "the SYN was sent again: no SYN-ACK came within the retransmission timeout (1 s; recent Linux keeps 1 s for the first few, tcp_syn_linear_timeouts, then doubles); connect() is still waiting."
        case .synRecv: "the SYN-ACK was sent again: the handshake's final ACK did not come in time."
        case .finWait1, .closing, .lastAck:
            "a segment was sent again (the FIN, or data before it): no ACK came for it in time, or the peer's ACKs said it was lost."
        default:
            "a segment was sent again: no ACK came for it within the retransmission timeout (RTO), or duplicate ACKs or SACK said it was lost (fast retransmit)."
        }
    }
}
