import Glibc
import SockscopeCore
import SockscopeTransport

/// The session's sockets: accepting, reading, writing, and what /shutdown, /close and /reset do.
extension ConsoleMode {
    func add(_ fd: Int32, peer: SocketAddress) {
        let connection = ConsoleConnection(id: nextID, fd: fd, peer: peer, datagram: plan?.datagram ?? false)
        nextID += 1
        connections.append(connection)
        let now = io.monotonic()
        if let key = connection.key {
            model.board.own(key, session: connection.id)
            model.log.attribute(key, session: connection.id)
            model.board.setInfo(TCPInfoReader.read(fd), for: key)
        }
        if model.multiSession {
            model.header.peer = connections.count == 1 ? "1 client" : "\(connections.count) clients"
        } else {
            model.header.peer = peer.display
        }
        model.addSession(.init(id: connection.id, peer: peer.display), at: now)
        nextRefresh = min(nextRefresh, now + 0.02)
    }

    /// Our listener is session 0 in the table: its row is the local address and a zero peer.
    func registerListener(_ fd: Int32) {
        let local = Socket.localAddress(fd)
        guard let endpoint = local.endpoint else { return }
        let v6 = local.family == AF_INET6
        let datagram = plan?.datagram ?? false
        let proto: SocketProtocol = v6 ? (datagram ? .udp6 : .tcp6) : (datagram ? .udp : .tcp)
        let zero = SocketEndpoint(address: v6 ? IPAddress(bytes: [UInt8](repeating: 0, count: 16)) : IPAddress(ipv4: 0), port: 0)
        model.board.own(SnapshotDiffer.Key(proto: proto, local: endpoint, remote: zero), session: 0)
    }

    func acceptClients() {
        guard let plan else { return }
        for _ in 0..<64 {
            let accepted: (fd: Int32, peer: SocketAddress)?
            do {
                accepted = try Socket.accept(listener)
            } catch {
                model.say("accept: \(error.description)", at: io.monotonic())
                return
            }
            guard let accepted else { return }
            if plan.keepListening && connections.count >= plan.maxConnections {
                close(accepted.fd)
                model.note("refused \(accepted.peer.display): --max-conns \(plan.maxConnections) reached", at: io.monotonic())
                continue
            }
            add(accepted.fd, peer: accepted.peer)
            if !plan.keepListening {
                // As nc: one client, and the listener closes (its row goes LISTEN → CLOSE).
                close(listener)
                listener = -1
                return
            }
        }
    }

    /// A datagram listener answers the first sender: the socket is connected to it (as nc).
    func receiveFirstDatagram() {
        let (count, sender) = buffer.withUnsafeMutableBytes { raw -> (Int, SocketAddress) in
            guard let base = raw.baseAddress else { return (-1, SocketAddress()) }
            return Socket.receive(datagramServer, into: base, count: raw.count)
        }
        guard count >= 0 else { return }
        let fd = datagramServer
        datagramServer = -1
        _ = Socket.connectDatagram(fd, to: sender)
        add(fd, peer: sender)
        received(count, on: connections[connections.count - 1])
    }

    func service(_ connection: ConsoleConnection, revents: Int32) {
        if revents & Int32(POLLOUT) != 0 { flush(connection) }
        guard connection.readOpen, revents & Int32(POLLIN | POLLHUP | POLLERR) != 0 else { return }
        // One read per round, so that keys are handled between reads even during a flood.
        let count = buffer.withUnsafeMutableBytes { Glibc.read(connection.fd, $0.baseAddress, $0.count) }
        let now = io.monotonic()
        if count > 0 {
            received(count, on: connection)
        } else if count == 0 && !connection.datagram {
            connection.readOpen = false
            model.note("the peer sent FIN: it will send nothing more\(connection.writeOpen ? "; /shutdown or /close sends ours" : "")",
                       session: connection.id, at: now)
            model.updateSession(connection.id) { $0.status = connection.writeOpen ? "peer sent FIN" : "closed" }
            if !connection.writeOpen { finish(connection, status: "closed") }
            nextRefresh = min(nextRefresh, now + 0.02)
        } else if count < 0 && errno != EAGAIN && errno != EINTR {
            let reason = errno == ECONNRESET ? "the peer reset the connection (RST)" : String(cString: strerror(errno))
            if connection.datagram && errno == ECONNREFUSED {
                model.note("the peer's port is closed (ICMP port unreachable)", session: connection.id, at: now)
                return
            }
            model.note(reason, session: connection.id, at: now)
            finish(connection, status: errno == ECONNRESET ? "reset by peer" : "failed")
        }
    }

    func received(_ count: Int, on connection: ConsoleConnection) {
        buffer.withUnsafeBytes { all in
            let bytes = UnsafeRawBufferPointer(rebasing: all[0..<count])
            recorder?.record(bytes, sent: false, peer: connection.peer)
            model.received(bytes, session: connection.id, at: io.monotonic())
        }
    }

    func act(on reaction: Reaction, now: Double) -> ExitStatus? {
        switch reaction {
        case .quit: return .success
        case .redraw: model.dirty = true
        case .refreshTable: nextRefresh = now
        case .send(let session, let bytes):
            for connection in connections where (session == nil || connection.id == session) && connection.writeOpen
                && !connection.shutdownWhenDrained {
                queue(bytes, on: connection)
            }
        case .shutdown(let session):
            connection(session).map { shutDown($0) }
        case .close(let session):
            connection(session).map { finish($0, status: "closed", note: "we closed the connection (FIN after any unsent data)") }
        case .reset(let session):
            connection(session).map { finish($0, status: "reset", note: "we reset the connection (RST: SO_LINGER 0, then close)", reset: true) }
        case .endOfInput(let session):
            guard let plan, let connection = connection(session) else { break }
            switch plan.endOfInput {
            case .keepOpen:
                model.note("end of input: the connection stays open, as nc without -N; /shutdown sends FIN", session: session, at: now)
            case .shutdownWrite:
                shutDown(connection)
            case .quit(let after):
                shutDown(connection)
                if after >= 0 {
                    quitAt = now + after
                    model.say("-q: quitting in \(after) s", at: now)
                }
            }
        }
        return nil
    }

    func connection(_ id: Int) -> ConsoleConnection? {
        connections.first { $0.id == id }
    }

    func send(_ bytes: [UInt8], on connection: ConsoleConnection) -> Int {
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return 0 }
            return Socket.send(connection.fd, base, count: raw.count, to: nil)
        }
    }

    func queue(_ bytes: [UInt8], on connection: ConsoleConnection) {
        bytes.withUnsafeBytes { recorder?.record($0, sent: true, peer: connection.peer) }
        model.sent(bytes, session: connection.id, at: io.monotonic())
        if connection.datagram {
            // Each line leaves as one datagram.
            if send(bytes, on: connection) < 0 {
                model.note("send: \(String(cString: strerror(errno)))", session: connection.id, at: io.monotonic())
            }
            return
        }
        connection.outgoing += bytes
        flush(connection)
    }

    /// Writes what is queued; once drained, a pending shutdown sends FIN.
    func flush(_ connection: ConsoleConnection) {
        while !connection.outgoing.isEmpty {
            let count = send(connection.outgoing, on: connection)
            if count < 0 {
                if errno == EAGAIN || errno == EINTR { return }
                model.note("send: \(String(cString: strerror(errno)))", session: connection.id, at: io.monotonic())
                finish(connection, status: "failed")
                return
            }
            connection.outgoing.removeFirst(count)
        }
        if connection.shutdownWhenDrained && connection.writeOpen {
            Glibc.shutdown(connection.fd, Int32(SHUT_WR))
            connection.writeOpen = false
            let now = io.monotonic()
            model.updateSession(connection.id) {
                $0.canSend = false
                $0.status = connection.readOpen ? "FIN sent" : "closed"
            }
            model.note("we sent FIN (shutdown of our write half); reading goes on", session: connection.id, at: now)
            if let key = connection.key { model.board.setInfo(TCPInfoReader.read(connection.fd), for: key) }
            if !connection.readOpen { finish(connection, status: "closed") }
            nextRefresh = min(nextRefresh, now + 0.02)
        }
    }

    func shutDown(_ connection: ConsoleConnection) {
        guard connection.writeOpen else { return }
        if connection.datagram {
            model.say("UDP has no FIN: nothing to shut down", at: io.monotonic())
            return
        }
        connection.shutdownWhenDrained = true
        flush(connection)
    }

    /// Closes our socket; the kernel keeps it (FIN_WAIT, LAST_ACK, TIME_WAIT) and the table shows it.
    func finish(_ connection: ConsoleConnection, status: String, note: String? = nil, reset: Bool = false) {
        guard !connection.closed else { return }
        let now = io.monotonic()
        if let note { model.note(note, session: connection.id, at: now) }
        connection.close(reset: reset)
        // Only open connections stay in the loop's list; the model keeps the session's history.
        connections.removeAll { $0 === connection }
        // TCP_INFO described the open socket; the kernel's leftover (FIN_WAIT, TIME_WAIT) has none.
        if let key = connection.key { model.board.setInfo(nil, for: key) }
        model.updateSession(connection.id) {
            $0.open = false
            $0.canSend = false
            $0.status = status
        }
        nextRefresh = min(nextRefresh, now + 0.02)
    }
}
