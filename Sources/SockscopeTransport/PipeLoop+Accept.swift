import Glibc
import SockscopeCore

extension PipeLoop {
    /// Accepts every waiting connection (the listener has a SOMAXCONN backlog; draining it each
    /// time keeps the queue from overflowing under load).
    func acceptPeers() throws(SystemError) {
        while listener >= 0 {
            let accepted: (fd: Int32, peer: SocketAddress)?
            do {
                accepted = try Socket.accept(listener)
            } catch {
                // Out of descriptors: stop accepting until a connection closes, rather than
                // spinning on a listener that stays readable.
                if error.code == EMFILE || error.code == ENFILE || error.code == ENOBUFS || error.code == ENOMEM {
                    acceptPaused = true
                    return
                }
                throw error
            }
            guard let (fd, address) = accepted else { return }
            if peers.count >= settings.maxConnections {
                close(fd)
                onEvent(.refusedOverLimit(address))
                continue
            }
            addConnection(fd, peer: address)
            onEvent(.accepted(address))
            if !settings.rules.keepListening {
                // nc serves one connection and stops listening.
                close(listener)
                listener = -1
            }
        }
    }

    /// Reads the datagrams waiting on an unconnected socket; new senders become peers.
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
            recorder?.record(UnsafeRawBufferPointer(start: output.writable, count: n), sent: false, peer: from)
            output.didFill(n)
            markReceived()
            register(datagramPeer: from)
        }
    }

    func register(datagramPeer address: SocketAddress) {
        if peers.contains(where: { $0.address == address }) { return }
        // A Unix datagram sender that never bound a name cannot be answered.
        if address.family == AF_UNIX && address.unixPath == nil { return }
        if answerFirstPeerOnly {
            // nc: connect to the first sender, so the kernel drops everyone else's datagrams.
            let fd = datagramServer
            datagramServer = -1
            _ = Socket.connectDatagram(fd, to: address)
            addConnection(fd, peer: address)
            onEvent(.heard(address))
            return
        }
        guard peers.count < settings.maxConnections else {
            if refusedDatagramPeers.count < 1024, refusedDatagramPeers.insert(address).inserted {
                onEvent(.refusedOverLimit(address))
            }
            return
        }
        peers.append(Peer(fd: datagramServer, address: address, replyTo: address,
                          flow: .init(stream: false), sentUpTo: inputEndOffset, ownsFD: false))
        everConnected = true
        onEvent(.heard(address))
    }
}
