/// Without the tracepoint (no root), what our own sockets did, from what we know first-hand:
/// our own calls (connect() done, shutdown(), close()), TCP_INFO read at each of them and at
/// each table reading, and an exact lookup after close(). The tables alone, polled, would
/// show an active close as `ESTABLISHED → TIME_WAIT`, "too brief to see"; first-hand, each
/// step is logged when it happens, and the tables' own readings of our sockets are reconciled
/// with it: dropped when they repeat it, else told from the state we last knew.
public struct FirstHandLog: Sendable {
    struct Known: Sendable {
        var state: TCPState
        var since: Double
        var entry: SocketEntry
    }

    var known: [ConnectionKey: Known] = [:]

    public init() {}

    /// The state the kernel passes through between two that our socket showed in turn, where
    /// there is one way only: a FIN of ours is sent (FIN_WAIT1) before its ACK can arrive; a
    /// socket the peer closed first sends its FIN (LAST_ACK) before the last ACK frees it.
    static func between(_ from: TCPState, _ to: TCPState) -> TCPState? {
        switch (from, to) {
        case (.established, .finWait2): .finWait1
        case (.closeWait, .close): .lastAck
        default: nil
        }
    }

    /// What the kernel does at once when we close() a socket in `state` (RFC 9293, and Linux's
    /// tcp_close): a FIN where one is owed, nothing more where ours was sent; SO_LINGER 0, or
    /// unread data, aborts it with a RST; a connection not yet made is dropped.
    public static func afterClose(_ state: TCPState, reset: Bool) -> TCPState {
        if reset { return .close }
        switch state {
        case .established: return .finWait1
        case .closeWait: return .lastAck
        case .synSent, .synRecv, .listen, .newSynRecv: return .close
        default: return state
        }
    }

    /// We know our socket is in `state` now (our own call did it, or TCP_INFO says so): the
    /// transitions from the state we knew, if any; the first sighting only starts the record.
    public mutating func observe(_ entry: SocketEntry, state: TCPState, at now: Double) -> [Transition] {
        let key = ConnectionKey(entry)
        guard let was = known[key] else {
            known[key] = Known(state: state, since: now, entry: entry)
            return []
        }
        guard was.state != state else { return [] }
        var hops = [was.state]
        if let middle = Self.between(was.state, state) { hops.append(middle) }
        hops.append(state)
        var transitions: [Transition] = []
        for index in 1..<hops.count {
            var seen = entry
            seen.stateCode = (hops[index] == .close ? hops[index - 1] : hops[index]).rawValue
            // The first step left a state we saw for this long; the one between was a moment.
            transitions.append(Transition(time: now, entry: seen, from: .tcp(hops[index - 1]), to: .tcp(hops[index]),
                                          duration: index == 1 ? now - was.since : nil, source: .socket))
        }
        known[key] = state == .close ? nil : Known(state: state, since: now, entry: entry)
        return transitions
    }

    /// A table reading's transition: unchanged for a socket we keep no record of; nil when it
    /// repeats what we logged; else told from the state we last knew, for as long as we knew it.
    public mutating func reconcile(_ transition: Transition) -> Transition? {
        let key = ConnectionKey(transition.entry)
        guard transition.entry.proto.isTCP, let was = known[key], let to = transition.to?.tcp else { return transition }
        if to == was.state { return nil }
        var told = transition
        told.from = .tcp(was.state)
        told.duration = max(0, transition.time - was.since)
        if to == .close {
            told.entry.stateCode = was.state.rawValue
            known[key] = nil
        } else {
            known[key] = Known(state: to, since: transition.time, entry: transition.entry)
        }
        return told
    }

    /// Whether we keep a record of this socket.
    public func knows(_ key: ConnectionKey) -> Bool { known[key] != nil }
}
