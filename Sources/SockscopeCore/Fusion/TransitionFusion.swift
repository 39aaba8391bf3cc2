/// Fuses the tracepoint's transitions with the tables' into the ones that really happened,
/// each once (DESIGN.md: four sources, one model).
///
/// Linux ends an active close by handing the connection to a small timewait socket: the
/// tracepoint reports the full socket's `FIN_WAIT2 → CLOSE` (or FIN_WAIT1's, CLOSING's) and
/// nothing more; the tables then show the timewait socket in TIME_WAIT — or, for an orphaned
/// FIN_WAIT2 still waiting for the peer's FIN, in FIN_WAIT2 until `tcp_fin_timeout`. So a traced
/// ending of those three states is held until a table reading taken after it says where the
/// connection went: `FIN_WAIT2 → TIME_WAIT` as one arrow, nothing at all when it stays in
/// FIN_WAIT2 (only its owner changed), or the traced `→ CLOSE` when no timewait socket exists (a
/// RST, a timeout). The timewait socket's own changes come from the tables: the orphan's
/// `FIN_WAIT2 → TIME_WAIT` when the peer's FIN arrives, its expiry, TIME_WAIT's end.
///
/// The tables also prove what the tracepoint failed to report: a timewait socket whose full
/// socket was last traced in FIN_WAIT1, or a LAST_ACK socket gone with no traced `→ CLOSE`. After
/// `patience`, such a connection is told from the tables and the transitions the trace never
/// reported are counted in `missed` (measured on this kind of machine: the kernel runs no BPF
/// program on a softirq that interrupts some tasks, and counts no miss — tracefs sees them).
public struct TransitionFusion: Sendable {
    struct Held: Sendable {
        var transition: Transition
        /// Readings taken since, without its timewait socket.
        var readings = 0
    }

    /// Readings without a timewait socket before an ending counts as a real close: a dump of a
    /// table that changes under it can miss a socket once (measured under load: a few in 3,000).
    static let readingsToClose = 2

    var held: [ConnectionKey: Held] = [:]
    /// Endings held for a table reading to settle (told at the end of a stream if still held).
    public var heldCount: Int { held.count }
    /// Timewait sockets that appeared in the last readings, for a traced ending read after the
    /// reading that already showed its timewait socket.
    var appeared: [ConnectionKey: Transition] = [:]
    /// The connections handed to timewait sockets, with the state each was last told in: their
    /// later changes are their own, told from there.
    var timewaitSockets: [ConnectionKey: TCPState] = [:]
    /// The last state the tracepoint told for connections on their way out (`leaving`): what a
    /// timewait socket's arrival, or a full socket's disappearance, is checked against.
    var leavingState: [ConnectionKey: TCPState] = [:]
    /// The traced transition into LAST_ACK of each connection still there: a LAST_ACK socket the
    /// tables never caught, whose close the tracepoint skipped, is found gone by an exact lookup.
    var lastAcks: [ConnectionKey: Transition] = [:]
    /// Full sockets the tables saw vanish in LAST_ACK before the tracepoint told their → CLOSE.
    var vanished: [ConnectionKey: Transition] = [:]
    /// Transitions the tracepoint never reported though the tables show they happened, since
    /// the last `takeMissed()`.
    public private(set) var missed = 0

    /// How long a timewait socket waits for the tracepoint's record of its handoff (and a
    /// vanished LAST_ACK socket for its close) before it is shown as the tables saw it. Long for
    /// tracefs: on a loaded machine `NamespaceSieve` holds records for up to ten seconds and the
    /// reader itself can fall further behind; a timewait socket that vanishes first is shown then
    /// (the 60 s of TIME_WAIT), and this bounds the rest. eBPF's records come in order and
    /// filtered, late only by what the ring holds (about a second at the worst rate): `ebpfPatience`.
    public var patience: Double
    public static let tracefsPatience = 120.0, ebpfPatience = 10.0

    public init(patience: Double = Self.tracefsPatience) {
        self.patience = patience
    }

    /// The transitions counted missed since the last call.
    public mutating func takeMissed() -> Int {
        defer { missed = 0 }
        return missed
    }

    /// States a connection leaves without its owner's call (the peer's segments or a timer move
    /// it): a record missing there is one the tables can prove.
    static let leaving: Set<TCPState> = [.finWait1, .finWait2, .closing, .lastAck]

    /// The states whose traced `→ CLOSE` may be a handoff to a timewait socket.
    static let handedOff: Set<TCPState> = [.finWait1, .finWait2, .closing]

    /// A transition from the tracepoint: shown now, or held until the next table reading. With
    /// `settle` (an exact lookup of one connection's socket), an ending that may be a handoff is
    /// settled at once instead: where the lookup finds a timewait socket, the connection went there.
    public mutating func traced(_ transition: Transition, settle: ((ConnectionKey) -> TCPState?)? = nil) -> [Transition] {
        let key = ConnectionKey(transition.entry)
        let birth = transition.to == .tcp(.synSent) || transition.to == .tcp(.synRecv) || transition.from == .tcp(.listen)
        // A new connection on a four-tuple whose last one was traced leaving and never ending: the
        // old socket is gone (a four-tuple holds one), and what ended it was not reported.
        if birth, let last = leavingState[key] {
            missed += last == .finWait1 ? 2 : 1
            vanished[key] = nil  // counted here, not told again from the tables
        }
        if let to = transition.to?.tcp, Self.leaving.contains(to) {
            leavingState[key] = to
            lastAcks[key] = to == .lastAck ? transition : nil
        } else {
            leavingState[key] = nil
            lastAcks[key] = nil
            // The close of a LAST_ACK socket the tables saw vanish: late, not missed.
            if transition.from == .tcp(.lastAck) { vanished[key] = nil }
        }
        guard let from = transition.from?.tcp, transition.to == .tcp(.close), Self.handedOff.contains(from) else {
            // A new connection's birth on a four-tuple whose timewait socket we knew (a client
            // port used again, its SYN taking the TIME_WAIT over): what follows is the new one's.
            // Only a birth says so: the old connection's own records can be read late.
            if birth {
                timewaitSockets[key] = nil
                // An ending still held on this four-tuple: the new connection took its timewait
                // socket over (as a reading that finds a newer socket there concludes), and the
                // ending is told now — before the new one's, never overwritten by its ending.
                if let earlier = held.removeValue(forKey: key) { return [Self.takenOver(earlier.transition), transition] }
            }
            return [transition]
        }
        if let recent = appeared.removeValue(forKey: key) {
            timewaitSockets[key] = recent.entry.tcpState
            return Self.fuse(transition, with: recent.entry)
        }
        if let settle {
            guard let state = settle(key), state == .timeWait || state == .finWait2 else { return [transition] }
            timewaitSockets[key] = state
            return Self.fuse(transition, with: Self.timewaitEntry(of: transition, in: state))
        }
        // Otherwise the next reading settles it, even for a four-tuple whose timewait socket is
        // known already: a client port used again brings a second ending on the same tuple, and
        // two sockets' records can be read in either order. Every ending makes one arrow: one
        // still held here (its successor's birth unread) is told as taken over, not replaced.
        let earlier = held.updateValue(Held(transition: transition), forKey: key)
        return earlier.map { [Self.takenOver($0.transition)] } ?? []
    }

    /// A held ending whose four-tuple a newer connection holds: its timewait socket existed
    /// (Linux lets a new SYN end a TIME_WAIT early), so it went to TIME_WAIT.
    static func takenOver(_ ending: Transition) -> Transition {
        var ended = ending
        ended.to = .tcp(.timeWait)
        return ended
    }

    /// A table reading's transitions: what the tables add (everything without the tracepoint;
    /// with it, the timewait sockets' changes), fused with the held endings, and the held
    /// endings that no timewait socket answered.
    /// `reading` is the sample the transitions came from: a timewait socket in the same state as
    /// the full socket it replaced (an orphaned FIN_WAIT2) is no transition to the differ.
    /// `lookUp` asks the kernel for one connection's socket (its state, nil when there is none):
    /// exact where a dump can miss a socket, it settles a held ending at once.
    public mutating func tables(_ transitions: [Transition], reading: [SocketEntry], tracing: Bool, at now: Double,
                                lookUp: ((ConnectionKey) -> TCPState?)? = nil) -> [Transition] {
        var out: [Transition] = []
        // Connections fused from the reading itself: their arrival below is the same handoff.
        var fusedNow: Set<ConnectionKey> = []
        // A held ending's four-tuple held by a newer, full socket: a new SYN took over the
        // timewait socket (Linux lets one end a TIME_WAIT early), which therefore existed.
        var takenOver: Set<ConnectionKey> = []
        if !held.isEmpty {
            for entry in reading where entry.proto.isTCP {
                let key = ConnectionKey(entry)
                guard let ending = held[key] else { continue }
                guard entry.timer == .timeWait || entry.tcpState == .timeWait else {
                    takenOver.insert(key)
                    continue
                }
                held[key] = nil
                timewaitSockets[key] = entry.tcpState
                fusedNow.insert(key)
                out += Self.fuse(ending.transition, with: entry)
            }
        }
        for transition in transitions {
            let entry = transition.entry
            let timewait = entry.proto.isTCP && (entry.timer == .timeWait || entry.tcpState == .timeWait)
            let key = ConnectionKey(entry)
            guard timewait else {
                if !tracing || !entry.proto.isTCP {
                    out.append(transition)
                } else if transition.to == .tcp(.close), leavingState[key] == .lastAck {
                    vanished[key] = transition
                }
                continue
            }
            if fusedNow.contains(key) && transition.to != .tcp(.close) { continue }
            if transition.to == .tcp(.close) {  // the timewait socket is gone: expiry
                // Or the dump missed it (a table changing under it): the exact lookup says.
                if let state = lookUp?(key), state == .timeWait || state == .finWait2 { continue }
                timewaitSockets[key] = nil
                if let unexplained = appeared.removeValue(forKey: key) { out.append(unexplained) }
                out.append(transition)
            } else if let told = timewaitSockets[key], told != .timeWait || entry.tcpState == .timeWait {
                // The orphan's FIN_WAIT2 → TIME_WAIT, told from the state last told, not the one the
                // differ last saw on this four-tuple: an arrival (from CLOSE: no dump had shown the
                // socket yet) is a connection already told by a lookup, and a client port used
                // again puts a newer connection's timewait socket where the older one's was (the
                // differ's "TIME_WAIT → FIN_WAIT2", which no socket does). Only a change is told.
                if let now = entry.tcpState, now != told {
                    var moved = transition
                    moved.from = .tcp(told)
                    out.append(moved)
                }
                timewaitSockets[key] = entry.tcpState
            } else {  // a full socket's connection handed to a timewait socket
                timewaitSockets[key] = entry.tcpState
                // From CLOSE: no dump had shown it. From TIME_WAIT, which no socket leaves but by
                // vanishing: a newer connection's timewait socket on a four-tuple used again,
                // whose birth the tracepoint's records have not yet told. Either way, an arrival.
                let arrival = transition.from == .tcp(.close) || transition.from == .tcp(.timeWait)
                let seen = arrival ? Self.unseenBefore(transition) : transition
                if let ending = held.removeValue(forKey: key) {
                    out += Self.fuse(ending.transition, with: entry)
                } else if tracing {
                    appeared[key] = seen
                } else {
                    out.append(seen)
                }
            }
        }
        // Readings taken after the ending found no timewait socket for it: the connection really
        // closed (or a new SYN took its TIME_WAIT over).
        var released: [Transition] = []
        for (key, ending) in held {
            if let lookUp, !takenOver.contains(key) {
                if let state = lookUp(key), state == .timeWait || state == .finWait2 {
                    // The dump missed it; the lookup found the timewait socket.
                    timewaitSockets[key] = state
                    released += Self.fuse(ending.transition, with: Self.timewaitEntry(of: ending.transition, in: state))
                } else {
                    released.append(ending.transition)
                }
                held[key] = nil
                continue
            }
            if takenOver.contains(key) {
                released.append(Self.takenOver(ending.transition))
            } else if ending.readings + 1 >= Self.readingsToClose {
                released.append(ending.transition)
            } else {
                held[key]?.readings += 1
                continue
            }
            held[key] = nil
        }
        out += released.sorted { $0.time < $1.time }
        // A timewait socket whose ending the tracepoint did not report in time (tracing started
        // late, or lost it) is shown as the tables saw it.
        for (key, recent) in appeared where now - recent.time >= patience {
            out += settled(recent, key: key)
            appeared[key] = nil
        }
        // A LAST_ACK socket past patience that an exact lookup no longer finds: its close was not
        // reported (the tables, read every so often, need not have caught it in LAST_ACK).
        if let lookUp {
            for (key, entered) in lastAcks where now - entered.time >= patience && vanished[key] == nil && lookUp(key) == nil {
                var gone = entered
                gone.time = now
                gone.from = .tcp(.lastAck)
                gone.to = .tcp(.close)
                gone.duration = nil
                gone.source = .proc
                out += settled(gone, key: key)
                lastAcks[key] = nil
            }
        }
        for (key, gone) in vanished where now - gone.time >= patience {
            out += settled(gone, key: key)
            vanished[key] = nil
        }
        return out
    }

    /// At the end of a stream: the timewait sockets still waiting for the tracepoint's record of
    /// their handoff, and the vanished sockets waiting for their close, shown as the tables saw
    /// them rather than dropped.
    public mutating func unmatchedTimewaits() -> [Transition] {
        defer {
            appeared.removeAll()
            vanished.removeAll()
        }
        return (appeared.flatMap { settled($0.value, key: $0.key) } + vanished.flatMap { settled($0.value, key: $0.key) })
            .sorted { $0.time < $1.time }
    }

    /// A connection the tables saw end while the tracepoint's last word for it was a state it
    /// leaves only through a reported transition: told from that state, and what the trace never
    /// reported counted (FIN_WAIT1 reaches a timewait socket through two: FIN_WAIT2 or CLOSING,
    /// then CLOSE). An orphaned FIN_WAIT2 still in FIN_WAIT2 is no arrow, but its close is missed.
    mutating func settled(_ seen: Transition, key: ConnectionKey) -> [Transition] {
        lastAcks[key] = nil
        guard let last = leavingState.removeValue(forKey: key) else { return [seen] }
        missed += last == .finWait1 ? 2 : 1
        var told = seen
        told.from = .tcp(last)
        if last == .lastAck { told.to = .tcp(.close) }
        return told.from == told.to ? [] : [told]
    }

    /// A timewait socket seen without the state before it (too brief for the tables): no arrow
    /// from CLOSE, which neither TIME_WAIT nor an orphaned FIN_WAIT2 ever comes from.
    static func unseenBefore(_ transition: Transition) -> Transition {
        var seen = transition
        seen.from = nil
        return seen
    }

    /// The timewait socket an exact lookup found in `state` for an ending's connection.
    static func timewaitEntry(of ending: Transition, in state: TCPState) -> SocketEntry {
        var entry = ending.entry
        entry.stateCode = state.rawValue
        entry.timer = .timeWait
        return entry
    }

    /// One arrow: the traced state's ending, landing where the timewait socket is. An orphaned
    /// FIN_WAIT2 that stays FIN_WAIT2 changed nothing a learner can see: no arrow.
    static func fuse(_ ending: Transition, with timewait: SocketEntry) -> [Transition] {
        guard ending.from != timewait.state else { return [] }
        var fused = ending
        fused.to = timewait.state
        fused.entry = timewait
        return [fused]
    }
}
