import Glibc
import SockscopeCore

/// Dials a face asks for (`sockscope proxy`: a tunnel's leg to its target), any number at once,
/// each with the id its connection will have: the face knows which of its clients a leg belongs
/// to before the handshake ends. Each socket waits for POLLOUT in a slot of its own; -w bounds
/// the handshake (`EngineSettings.dialTimeout`).
extension Engine {
    struct PendingDial {
        let id: Int
        /// -1 when connect() failed at once (`failure` says why).
        let fd: Int32
        let peer: SocketAddress
        let since: Double
        var failure: Int32?
    }

    /// Starts a non-blocking connect() to `address`; returns the id its connection will have.
    /// `.opened(id, …, .dialed)` follows, or `.dialFailed(id, …)` — never before this returns,
    /// even when connect() ended at once, so that the face has placed the id first.
    @discardableResult
    public func dial(_ address: SocketAddress, with dialer: Dialer) -> Int {
        let id = nextID
        nextID += 1
        switch dialer.start(to: address) {
        case .success(let started):
            // Connected at once (loopback may): POLLOUT is ready in the next round and says so.
            dials.append(PendingDial(id: id, fd: started.fd, peer: address, since: clock()))
        case .failure(.refused(let error)):
            dials.append(PendingDial(id: id, fd: -1, peer: address, since: clock(), failure: error.code))
        case .failure(.timedOut), .failure(.interrupted):
            dials.append(PendingDial(id: id, fd: -1, peer: address, since: clock(), failure: ETIMEDOUT))
        }
        return id
    }

    /// Gives up a dial still in its handshake (its client left): closed, nothing emitted.
    public func cancelDial(_ id: Int) {
        guard let index = dials.firstIndex(where: { $0.id == id }) else { return }
        let dial = dials.remove(at: index)
        if dial.fd >= 0 { close(dial.fd) }
    }

    /// Whether dial `id` is still in its handshake.
    public func isDialing(_ id: Int) -> Bool { dials.contains { $0.id == id } }

    /// Dial `index` of the last poll is writable: connected, or failed.
    func finishDial(_ index: Int) {
        guard index < dials.count else { return }
        let pending = dials.remove(at: index)
        let code = Socket.pendingError(pending.fd)
        if code == 0 {
            add(pending.fd, peer: pending.peer, how: .dialed, id: pending.id)
        } else {
            close(pending.fd)
            emit(.dialFailed(id: pending.id, peer: pending.peer, code: code))
        }
    }

    /// Dials that failed at once, and those whose handshake has taken longer than the limit
    /// (ETIMEDOUT), are told.
    func settleDials(now: Double) {
        let limit = settings.dialTimeout ?? .infinity
        guard dials.contains(where: { $0.failure != nil || now - $0.since >= limit }) else { return }
        let over = dials.filter { $0.failure != nil || now - $0.since >= limit }
        dials.removeAll { $0.failure != nil || now - $0.since >= limit }
        for dial in over {
            if dial.fd >= 0 { close(dial.fd) }
            emit(.dialFailed(id: dial.id, peer: dial.peer, code: dial.failure ?? ETIMEDOUT))
        }
    }

    /// The nearest deadline of the dials in their handshake.
    var dialDeadline: Double? {
        if dials.contains(where: { $0.failure != nil }) { return clock() }
        guard let limit = settings.dialTimeout, let first = dials.lazy.map(\.since).min() else { return nil }
        return first + limit
    }
}
