/// The one place where sockscope's sources become transitions: table readings, the tracepoint's
/// records, the segments and the kernel's resets, and our own calls with TCP_INFO. The screen,
/// `states --events`, `watch` and the lessons feed it what they read and show what it returns;
/// none of them fuses anything itself.
///
/// - With the tracepoint, every TCP transition is the kernel's; the tables add what only they
///   know (timewait sockets), fused by `TransitionFusion`. Our own dial is told at once, stamped
///   when connect() was called (`dialing`), so it precedes the kernel's SYN_SENT → ESTABLISHED;
///   the tracepoint's copy of it is then dropped.
/// - Without it (no root), our own sockets' transitions come first-hand (`FirstHandLog`): our
///   calls, TCP_INFO at each of them, an exact lookup after close(); the tables' readings of our
///   sockets are reconciled with them.
/// - Endings (→ CLOSE) are explained by the RST behind them, when the capture or the kernel's
///   reset tracepoints say (`explained`).
///
/// Times are monotonic seconds throughout; segments, stamped by the capture with the wall clock,
/// are moved by `wallOffset`.
public struct TransitionObserver: Sendable {
    /// Whether the tracepoint is on: it then says every TCP transition, ours included.
    public let tracing: Bool
    /// Whether endings can be explained by the RST behind them: the capture is on, or eBPF
    /// reports the kernel's resets.
    public let explainsEndings: Bool
    /// Whether the capture is on: a RST it did not see was not sent. Without it, the kernel's
    /// report of a RST can be read after the ending it caused (see `resetWait`).
    let capturing: Bool
    let wallOffset: Double
    var fusion: TransitionFusion
    var durations = TraceDurations()
    var firstHand = FirstHandLog()
    var resets = ResetMemory()
    /// Our dials told at once (protocol and peer): the tracepoint's CLOSE → SYN_SENT of each is
    /// the same transition, read later.
    var dialsTold: [(proto: SocketProtocol, remote: SocketEndpoint)] = []

    /// How long an ending waits for the kernel's report of the RST behind it: written to the
    /// ring microseconds after the ending's own record, or, when the closing process is
    /// preempted between the two on a busy machine, a time slice or so later (a 2 ms wait missed
    /// one in ten under load).
    public static let resetWait = 0.02

    /// `patience`: how long a connection the tables show ended waits for the tracepoint's word
    /// (`TransitionFusion.patience`: eBPF's records come in order, tracefs's can be late).
    public init(tracing: Bool, patience: Double = TransitionFusion.tracefsPatience, capturing: Bool = false,
                kernelResets: Bool = false, wallOffset: Double = 0) {
        self.tracing = tracing
        self.capturing = capturing
        explainsEndings = capturing || kernelResets
        self.wallOffset = wallOffset
        fusion = TransitionFusion(patience: patience)
    }

    // MARK: The kernel's sources

    /// A table reading: the differ's transitions (`transitions`) from the sample `reading`.
    /// `lookUp` asks the kernel for one connection's socket (exact where a dump can miss one).
    public mutating func tables(_ transitions: [Transition], reading: [SocketEntry], at now: Double,
                                lookUp: ((ConnectionKey) -> TCPState?)? = nil) -> [Transition] {
        let fused = fusion.tables(transitions, reading: reading, tracing: tracing, at: now, lookUp: lookUp)
        return tracing ? fused : fused.compactMap { firstHand.reconcile($0) }
    }

    /// A record of the tracepoint. An ending that may be a handoff to a timewait socket waits for
    /// the next table reading — or, with `settle` (an exact lookup, for a lab's few sockets), is
    /// settled at once.
    public mutating func traced(_ event: TraceEvent, settle: ((ConnectionKey) -> TCPState?)? = nil) -> [Transition] {
        let transition = event.transition(duration: durations.duration(of: event))
        if event.from == .close, event.to == .synSent,
           let told = dialsTold.firstIndex(where: { $0.proto == transition.entry.proto && $0.remote == event.remote }) {
            dialsTold.remove(at: told)
            return []
        }
        return fusion.traced(transition, settle: settle)
    }

    /// A segment the capture saw (its time on the wall clock): a RST among them explains an ending.
    public mutating func saw(_ segment: Segment) {
        guard explainsEndings else { return }
        var moved = segment
        moved.time -= wallOffset
        resets.record(moved)
    }

    /// A RST the kernel reported (eBPF), stamped on the monotonic clock.
    public mutating func saw(_ reset: ResetTracepoints.Reset) {
        resets.record(reset)
    }

    /// Endings held for a table reading to settle.
    public var heldCount: Int { fusion.heldCount }

    /// Transitions the tables proved and the tracepoint never reported, since the last call.
    public mutating func takeMissed() -> Int { fusion.takeMissed() }

    /// At the end of a stream: what still waits for the tracepoint's word, told as the tables saw it.
    public mutating func unsettled() -> [Transition] { fusion.unmatchedTimewaits() }

    /// An ending explained by the RST behind it, and by whom it was sent. Without the capture,
    /// "no reset" for an ending younger than `resetWait` may only mean the kernel's report of its
    /// RST is not read yet: it keeps its general sentence then (pass `.infinity` for `now` where
    /// the caller waited for it).
    public func explained(_ transition: Transition, now: Double) -> Transition {
        guard explainsEndings, transition.source.isTracepoint, transition.to == .tcp(.close) else { return transition }
        let explained = resets.explained(transition, at: transition.time)
        return capturing || explained.cause != .noReset || now - transition.time >= Self.resetWait ? explained : transition
    }

    // MARK: Our own calls

    /// Our dial, connect() called at `since`: its CLOSE → SYN_SENT, told now and stamped then —
    /// on loopback the kernel has stamped the whole handshake before connect() returns.
    public mutating func dialing(_ key: ConnectionKey, since: Double) -> [Transition] {
        let entry = SocketEntry(proto: key.proto, local: key.local, remote: key.remote, stateCode: TCPState.synSent.rawValue)
        if tracing {
            dialsTold.append((key.proto, key.remote))
        } else {
            _ = firstHand.observe(entry, state: .synSent, at: since)
        }
        return [Transition(time: since, entry: entry, from: .tcp(.close), to: .tcp(.synSent), duration: nil, source: .socket)]
    }

    /// connect() done, or accept() returned (`info`: TCP_INFO's state then). An accepted socket's
    /// handshake ended in the kernel before accept(): its SYN_RECV → ESTABLISHED is told at once.
    public mutating func opened(_ key: ConnectionKey, accepted: Bool, state: TCPState?, at now: Double,
                                lookUp: ((ConnectionKey) -> TCPState?)? = nil) -> [Transition] {
        guard !tracing, key.proto.isTCP else { return [] }
        var told: [Transition] = []
        if accepted && !firstHand.knows(key) {
            let entry = SocketEntry(proto: key.proto, local: key.local, remote: key.remote, stateCode: TCPState.established.rawValue)
            told.append(Transition(time: now, entry: entry, from: .tcp(.synRecv), to: .tcp(.established), duration: nil, source: .socket))
        }
        return told + ownState(key, state ?? .established, at: now, lookUp: lookUp)
    }

    /// Our socket is in `state` (TCP_INFO says so, after a call of ours or at a table reading).
    public mutating func ownState(_ key: ConnectionKey, _ state: TCPState, at now: Double,
                                  lookUp: ((ConnectionKey) -> TCPState?)? = nil) -> [Transition] {
        guard !tracing, key.proto.isTCP else { return [] }
        var state = state
        // Linux ends an active close by handing the connection to a timewait socket: our own
        // socket then says CLOSE, the connection lives on in TIME_WAIT (or an orphan's FIN_WAIT2).
        if state == .close, let found = lookUp?(key), found == .timeWait || found == .finWait2 { state = found }
        let entry = SocketEntry(proto: key.proto, local: key.local, remote: key.remote, stateCode: state.rawValue)
        return firstHand.observe(entry, state: state, at: now)
    }

    /// close() of our socket, in `before` just before it (TCP_INFO): what close() does from there
    /// at once (a FIN, or a RST with `reset`: SO_LINGER 0, or unread data on a held connection),
    /// then where an exact lookup finds the connection — a timewait socket, an orphan, or none.
    public mutating func closed(_ key: ConnectionKey, before: TCPState, reset: Bool, at now: Double,
                                lookUp: ((ConnectionKey) -> TCPState?)? = nil) -> [Transition] {
        guard !tracing, key.proto.isTCP else { return [] }
        var told = ownState(key, before, at: now, lookUp: lookUp)
        let after = FirstHandLog.afterClose(before, reset: reset)
        told += ownState(key, after, at: now, lookUp: lookUp)
        guard after != .close, let lookUp else { return told }
        return told + ownState(key, lookUp(key) ?? .close, at: now, lookUp: lookUp)
    }
}
