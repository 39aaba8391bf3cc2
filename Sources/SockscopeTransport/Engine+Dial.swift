import Glibc
import SockscopeCore

/// Dials a face asks for (`sockscope proxy`: a tunnel's leg to its target), any number at once,
/// each with the id its connection will have: the face knows which of its clients a leg belongs
/// to before the handshake ends. Each socket waits for POLLOUT in a slot of its own; -w bounds
/// the handshake, as it bounds the session's own dial.
extension Engine {
    struct PendingDial {
        let id: Int
        let fd: Int32
        let peer: SocketAddress
        let since: Double
    }

    /// Starts a non-blocking connect() to `address`; returns the id its connection will have.
    /// `.opened(id, …, .dialed)` follows, or `.dialFailed(id, …)` — at once when connect() fails
    /// at once (the event is emitted before this returns).
    @discardableResult
    public func dial(_ address: SocketAddress, with dialer: Dialer) -> Int {
        let id = nextID
        nextID += 1
        switch dialer.start(to: address) {
        case .success(let started) where started.connected:
            add(started.fd, peer: address, how: .dialed, id: id)
        case .success(let started):
            dials.append(PendingDial(id: id, fd: started.fd, peer: address, since: clock()))
        case .failure(.refused(let error)):
            emit(.dialFailed(id: id, peer: address, code: error.code))
        case .failure(.timedOut), .failure(.interrupted):
            emit(.dialFailed(id: id, peer: address, code: ETIMEDOUT))
        }
        return id
    }

    /// Gives up a dial still in its handshake (its client left): closed, nothing emitted.
    public func cancelDial(_ id: Int) {
        guard let index = dials.firstIndex(where: { $0.id == id }) else { return }
        close(dials.remove(at: index).fd)
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

    /// -w: dials whose handshake has taken longer than the limit fail with ETIMEDOUT.
    func dialsTimedOut(now: Double) {
        guard let limit = settings.idleTimeout, dials.contains(where: { now - $0.since >= limit }) else { return }
        let late = dials.filter { now - $0.since >= limit }
        dials.removeAll { now - $0.since >= limit }
        for dial in late {
            close(dial.fd)
            emit(.dialFailed(id: dial.id, peer: dial.peer, code: ETIMEDOUT))
        }
    }

    /// The nearest -w deadline of the dials in their handshake.
    var dialDeadline: Double? {
        guard let limit = settings.idleTimeout, let first = dials.lazy.map(\.since).min() else { return nil }
        return first + limit
    }
}
