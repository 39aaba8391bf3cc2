import SockscopeCore
import SockscopeTransport

/// Without the tracepoint (no root): our own sockets' transitions from what we know first-hand
/// (FirstHandLog) — our calls, TCP_INFO at each of them and at each table reading, the state
/// just before close() and an exact lookup just after — so that a close is logged step by step
/// rather than as one jump "too brief to see". With the tracepoint all of this is its to say.
extension ScreenMode {
    func firstHandObserve(_ key: ConnectionKey, state: TCPState, at now: Double) {
        guard trace == nil, key.proto.isTCP else { return }
        var state = state
        // Linux ends an active close by handing the connection to a timewait socket: our own
        // socket then says CLOSE, the connection lives on in TIME_WAIT (or an orphan's FIN_WAIT2).
        if state == .close, let found = lookup?.state(of: key), found == .timeWait || found == .finWait2 { state = found }
        let entry = SocketEntry(proto: key.proto, local: key.local, remote: key.remote, stateCode: state.rawValue)
        for transition in firstHand.observe(entry, state: state, at: now) { log(transition) }
    }

    /// connect() done, or accept() returned: an accepted socket's handshake ended in the kernel
    /// before accept(), so its SYN_RECV → ESTABLISHED is told at once (no time for SYN_RECV).
    func firstHandOpened(key: ConnectionKey, accepted: Bool, info: TCPInfo?, at now: Double) {
        guard trace == nil, key.proto.isTCP else { return }
        if accepted && !firstHand.knows(key) {
            let entry = SocketEntry(proto: key.proto, local: key.local, remote: key.remote, stateCode: TCPState.established.rawValue)
            log(Transition(time: now, entry: entry, from: .tcp(.synRecv), to: .tcp(.established), duration: nil, source: .socket))
        }
        firstHandObserve(key, state: info?.state ?? .established, at: now)
    }

    /// After an event of ours (EOF read, shutdown()) and at each table reading: TCP_INFO's state.
    func firstHandInfo(_ id: Int, info: TCPInfo?, at now: Double) {
        guard trace == nil, let key = keys[id], let state = info?.state else { return }
        firstHandObserve(key, state: state, at: now)
    }

    /// close(): the state TCP_INFO gave just before it, what close() does from there at once
    /// (a FIN, or a RST with SO_LINGER 0 or unread data on a held connection), then where an
    /// exact lookup finds the socket — a timewait socket, an orphan, or none.
    func firstHandClosed(_ id: Int, key: ConnectionKey, reset: Bool, at now: Double) {
        guard trace == nil, key.proto.isTCP, let before = stateBeforeClose.removeValue(forKey: id) else { return }
        firstHandObserve(key, state: before, at: now)
        let held = model.session(id)?.held ?? false
        let after = FirstHandLog.afterClose(before, reset: reset || held)
        firstHandObserve(key, state: after, at: now)
        guard after != .close, let lookup else { return }
        firstHandObserve(key, state: lookup.state(of: key) ?? .close, at: now)
    }

    /// A table reading's transitions of our sockets, reconciled with what we logged first-hand.
    func firstHandReconciled(_ transitions: [Transition]) -> [Transition] {
        guard trace == nil else { return transitions }
        return transitions.compactMap { firstHand.reconcile($0) }
    }
}
