import CLinux
import Glibc
import SockscopeCore

/// What a face (the screen) may do to the session: every socket call stays here.
extension Engine {
    /// What the face may know of one connection.
    public struct ConnectionInfo: Sendable {
        public var id: Int
        public var local: SocketAddress
        public var peer: SocketAddress?
        /// The connection as the socket tables name it (nil for Unix sockets).
        public var key: ConnectionKey?
        public var readOpen: Bool
        public var writeOpen: Bool
        /// Bytes queued for it and not yet sent.
        public var unsent: Int
        /// What its stream's stage agreed on (TLS's version and cipher), if any.
        public var streamSummary: String?
        /// Which way its bytes go past the socket's peer (through proxies), if not straight there.
        public var route: String?
    }

    /// The open connections, oldest first.
    public var openConnections: [ConnectionInfo] { connections.map(info) }

    public func connection(_ id: Int) -> ConnectionInfo? { index(of: id).map { info(connections[$0]) } }

    /// Bytes queued for a connection and not yet sent — its counters alone, for a face that asks
    /// every round (`connection(_:)` also reads the socket's address).
    public func unsent(_ id: Int) -> Int? {
        index(of: id).map { inputEndOffset - connections[$0].sentUpTo + connections[$0].queuedBytes }
    }

    func info(_ connection: Connection) -> ConnectionInfo {
        let localAddress = Socket.localAddress(connection.fd)
        let key = connection.ownsFD || connection.replyTo != nil ? tableKey(local: localAddress, peer: connection.address) : nil
        return ConnectionInfo(id: connection.id, local: localAddress, peer: connection.address, key: key, readOpen: connection.flow.readOpen,
                              writeOpen: connection.flow.writeOpen,
                              unsent: inputEndOffset - connection.sentUpTo + connection.queuedBytes,
                              streamSummary: connection.stream.summary, route: connection.stream.route)
    }

    /// How the socket tables name a connection of ours (nil for Unix sockets).
    func tableKey(local: SocketAddress, peer: SocketAddress?) -> ConnectionKey? {
        guard let ours = local.endpoint, let theirs = peer?.endpoint else { return nil }
        let v6 = local.family == AF_INET6
        let proto: SocketProtocol = settings.datagram ? (v6 ? .udp6 : .udp) : (v6 ? .tcp6 : .tcp)
        return ConnectionKey(proto: proto, local: ours, remote: theirs)
    }

    /// Where the listener (or the datagram socket waiting for its first peer) is bound.
    public var listenerAddress: SocketAddress? {
        let fd = listener >= 0 ? listener : datagramServer
        return fd >= 0 ? Socket.localAddress(fd) : nil
    }

    /// A Unix connection's peer and queues, as `ss -x` shows them (nil: not a Unix socket of
    /// its own).
    public struct UnixFacts: Sendable, Equatable {
        public var peerPID: Int32?
        public var peerUID: UInt32?
        public var recvQueue: Int
        public var sendQueue: Int
    }

    public func unixFacts(_ id: Int) -> UnixFacts? {
        guard let index = index(of: id), connections[index].ownsFD else { return nil }
        let fd = connections[index].fd
        guard Socket.localAddress(fd).family == AF_UNIX else { return nil }
        var pid: Int32 = 0, uid: Int32 = 0, gid: Int32 = 0, received: Int32 = 0, unsent: Int32 = 0
        let known = clinux_peer_credentials(fd, &pid, &uid, &gid) == 0 && pid > 0
        _ = clinux_socket_queues(fd, &received, &unsent)
        return UnixFacts(peerPID: known ? pid : nil, peerUID: known ? UInt32(bitPattern: uid) : nil,
                         recvQueue: Int(max(0, received)), sendQueue: Int(max(0, unsent)))
    }

    /// Whether the engine's sockets are datagram ones.
    public var datagram: Bool { settings.datagram }

    /// An open connection's TLS, for the /tls overlay (nil: no TLS on it).
    public func tlsFacts(_ id: Int) -> TLSFacts? { index(of: id).flatMap { connections[$0].stream.tlsFacts } }

    /// TCP_INFO of an open connection (nil for Unix and UDP sockets).
    public func tcpInfo(_ id: Int) -> TCPInfo? {
        guard let index = index(of: id), connections[index].ownsFD, !settings.datagram else { return nil }
        return TCPInfoReader.read(connections[index].fd)
    }

    /// Queues bytes for a connection (nil: every one that can still send); a datagram each time
    /// on UDP. Sent at once as far as the socket takes them. Returns the ids queued for.
    @discardableResult
    public func send(_ bytes: [UInt8], to id: Int?) -> [Int] {
        var queued: [Int] = []
        for index in connections.indices where (id == nil || connections[index].id == id) && connections[index].flow.writeOpen
            && !connections[index].flow.finRequested && !connections[index].flow.closeRequested {
            connections[index].queued.append(bytes)
            connections[index].queuedBytes += bytes.count
            onSend?(bytes, connections[index].id)
            sendQueued(index)
            queued.append(connections[index].id)
        }
        return queued
    }

    /// /shutdown: FIN once what is queued has gone; reading goes on.
    public func requestFIN(_ id: Int) {
        guard let index = index(of: id), !settings.datagram else { return }
        connections[index].flow.finRequested = true
        rulesPending = true
    }

    /// /close: close once what is queued has gone.
    public func requestClose(_ id: Int) {
        guard let index = index(of: id) else { return }
        connections[index].flow.closeRequested = true
        rulesPending = true
    }

    /// The screen's end of input (Ctrl-D) for one connection: -N and -q apply to it as to the
    /// end of standard input in pipe mode.
    public func endInput(_ id: Int) {
        guard let index = index(of: id) else { return }
        connections[index].flow.inputOpen = false
        rulesPending = true
    }

    /// /hold and /release: stop reading a connection, or read it again. Returns whether it is
    /// one to hold (open, a stream: a datagram socket has no window to close).
    @discardableResult
    public func hold(_ id: Int, _ held: Bool) -> Bool {
        guard let index = index(of: id), !settings.datagram else { return false }
        connections[index].held = held
        return true
    }

    /// /reset: SO_LINGER 0, then close: the kernel sends RST and drops what was unsent.
    public func reset(_ id: Int) {
        guard let index = index(of: id) else { return }
        if connections[index].ownsFD && !settings.datagram {
            Socket.setLinger(connections[index].fd, seconds: 0)
        }
        remove(id, reason: .reset)
    }
}
