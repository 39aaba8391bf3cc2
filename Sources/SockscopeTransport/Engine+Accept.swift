import Glibc
import SockscopeCore

extension Engine {
    /// Accepts the waiting connections, at most `acceptBurst` a round: many per round keeps the
    /// SOMAXCONN queue from overflowing under load, a bound keeps a flood that never lets the
    /// queue run dry from holding up the peers already connected (and their bytes).
    func acceptPeers() throws(SystemError) {
        var budget = Self.acceptBurst
        while listener >= 0 && budget > 0 {
            budget -= 1
            let accepted: (fd: Int32, peer: SocketAddress)?
            do {
                accepted = try accepter(listener)
            } catch {
                // Out of descriptors: stop accepting until a connection closes, rather than
                // spinning on a listener that stays readable.
                if error.code == EMFILE || error.code == ENFILE || error.code == ENOBUFS || error.code == ENOMEM {
                    acceptPaused = true
                    emit(.acceptPaused(error.code))
                    return
                }
                throw error
            }
            guard let (fd, address) = accepted else { return }
            if let filter = settings.filter, let ip = address.endpoint?.address, !filter.admits(ip) {
                close(fd)
                emit(.refusedByFilter(address))
                continue
            }
            if connections.count >= settings.maxConnections {
                close(fd)
                emit(.refusedOverLimit(address))
                continue
            }
            let id = add(fd, peer: address, how: .accepted)
            // Read at once what the client sent with its handshake (or its reset): a client that
            // has spoken or left is served in this round instead of joining the next poll().
            // Looked up by its id: the face may have ended it as it opened (a program that
            // could not be started).
            if peersReadable, let index = index(of: id) { serve(index) }
            if !settings.rules.keepListening {
                // nc serves one connection and stops listening.
                close(listener)
                listener = -1
            }
        }
    }

    static let acceptBurst = 64

    /// A connection joins: from the start of standard input when it has ended and was kept
    /// (under -k), else from where it stands now.
    @discardableResult
    func add(_ fd: Int32, peer: SocketAddress?, how: EngineEvent.Opening, replyTo: SocketAddress? = nil,
             ownsFD: Bool = true, id reserved: Int? = nil) -> Int {
        let start = retainsInput && !local.stdinOpen ? inputStartOffset : inputEndOffset
        let id = reserved ?? nextID
        if reserved == nil { nextID += 1 }
        let stream = settings.datagram ? nil : makeStream?(fd)
        connections.append(Connection(id: id, fd: fd, address: peer, replyTo: replyTo, stream: stream ?? PlainStream(fd: fd, replyTo: replyTo),
                                      flow: .init(stream: !settings.datagram), sentUpTo: start, ownsFD: ownsFD))
        everConnected = true
        sessionOver = false
        recorder?.connectionOpened()
        emit(.opened(id: id, peer: peer, how: how))
        if let index = index(of: id) { report(.connected, index) }
        return id
    }

    /// Reads the datagrams waiting on an unconnected socket; new senders join.
    func receiveDatagrams() {
        var budget = 64  // bounded, so standard input and other peers get their turn
        while datagramServer >= 0 && budget > 0 && outputHasRoom {
            budget -= 1
            if output.room < 65536 { output.compact() }
            let (n, from) = Socket.receive(datagramServer, into: output.writable, count: output.room)
            if n < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK { return }
                continue  // ECONNREFUSED and the like: a previous reply bounced
            }
            let id = register(datagramPeer: from)
            deliver(n, from: id, peer: from)
        }
    }

    /// The connection id of a datagram sender, which joins when new (nil: not answerable).
    func register(datagramPeer address: SocketAddress) -> Int? {
        if let known = connections.first(where: { $0.address == address }) { return known.id }
        // A Unix datagram sender that never bound a name cannot be answered.
        if address.family == AF_UNIX && address.unixPath == nil { return nil }
        if answerFirstPeerOnly {
            // nc: connect to the first sender, so the kernel drops everyone else's datagrams.
            let fd = datagramServer
            datagramServer = -1
            _ = Socket.connectDatagram(fd, to: address)
            return add(fd, peer: address, how: .heard)
        }
        guard connections.count < settings.maxConnections else {
            if refusedDatagramPeers.count < 1024, refusedDatagramPeers.insert(address).inserted {
                emit(.refusedOverLimit(address))
            }
            return nil
        }
        return add(datagramServer, peer: address, how: .heard, replyTo: address, ownsFD: false)
    }
}
