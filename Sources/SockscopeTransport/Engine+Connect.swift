import Glibc
import SockscopeCore

/// A dial still in its handshake (the screen's, so that SYN_SENT is seen from the first
/// instant): the socket is watched for POLLOUT in its own slot, and joins as a connection once
/// SO_ERROR says it connected — or is reported failed, refused or timed out (-w).
extension Engine {
    /// A socket whose non-blocking connect() is in progress, since `since` on the engine's clock
    /// (read just before connect(); now when not given). `others`: the name's other addresses,
    /// each tried in turn with `start` when the one before fails or times out (-w) — without
    /// blocking the loop, so that the screen stays live and shows every attempt.
    public func addConnecting(_ fd: Int32, peer: SocketAddress, since: Double? = nil, then others: [SocketAddress] = [],
                              start: ((SocketAddress) -> Result<(fd: Int32, connected: Bool), Dialer.Failure>)? = nil) {
        dialNext = others
        dialStart = start
        connecting = (fd, peer, since ?? clock())
        emit(.connecting(peer: peer))
    }

    /// When the dial in progress began: before the kernel's first stamp of its handshake.
    public var connectingSince: Double? { connecting?.since }

    /// The peer of the dial in progress (for a face that attaches after it began).
    public var connectingPeer: SocketAddress? { connecting?.peer }

    /// The connecting socket as the tables name it (its port was chosen by connect()).
    public var connectingKey: ConnectionKey? {
        connecting.flatMap { tableKey(local: Socket.localAddress($0.fd), peer: $0.peer) }
    }

    /// TCP_INFO of the connecting socket: its SYN retransmissions so far.
    public var connectingInfo: TCPInfo? { connecting.flatMap { TCPInfoReader.read($0.fd) } }

    /// The handshake is over, one way or the other.
    func finishConnecting() {
        guard let pending = connecting else { return }
        connecting = nil
        let code = Socket.pendingError(pending.fd)
        if code == 0 {
            add(pending.fd, peer: pending.peer, how: .dialed)
        } else {
            close(pending.fd)
            emit(.connectFailed(peer: pending.peer, code: code))
            dialNextAddress()
        }
    }

    /// The next of the name's addresses, as nc tries them: one whose start fails at once is
    /// reported and the one after is tried; one under way is finished by the loop.
    func dialNextAddress() {
        guard let start = dialStart else { return }
        while !dialNext.isEmpty {
            let address = dialNext.removeFirst()
            let since = clock()
            switch start(address) {
            case .success(let started) where started.connected:
                add(started.fd, peer: address, how: .dialed)
                return
            case .success(let started):
                connecting = (started.fd, address, since)
                emit(.connecting(peer: address))
                return
            case .failure(.refused(let error)):
                emit(.connectFailed(peer: address, code: error.code))
            case .failure(.timedOut), .failure(.interrupted):
                emit(.connectFailed(peer: address, code: ETIMEDOUT))
            }
        }
    }

    /// -w: the handshake took longer than the connect timeout (nc's -w).
    func connectTimedOut(now: Double) -> Bool {
        guard let pending = connecting, let limit = settings.idleTimeout, now - pending.since >= limit else { return false }
        connecting = nil
        close(pending.fd)
        emit(.connectFailed(peer: pending.peer, code: ETIMEDOUT))
        dialNextAddress()
        return true
    }
}
