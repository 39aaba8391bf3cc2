/// One connection's identity, everywhere: in the tables, the fusion, the screen's board, the
/// capture's filter and the lessons. A connection is its protocol (with the family: tcp, tcp6)
/// and its two ends in this network namespace — the tracepoint's socket address (skaddr) ties
/// records together only while a socket lives, and sock_diag's inode is 0 for a timewait
/// socket, so neither is part of it.
public struct ConnectionKey: Hashable, Sendable {
    public let proto: SocketProtocol
    public let local: SocketEndpoint
    public let remote: SocketEndpoint

    public init(proto: SocketProtocol, local: SocketEndpoint, remote: SocketEndpoint) {
        self.proto = proto
        self.local = local
        self.remote = remote
    }

    public init(_ entry: SocketEntry) {
        self.init(proto: entry.proto, local: entry.local, remote: entry.remote)
    }

    /// Three words instead of the nine the synthesised hash feeds: the differ hashes every
    /// socket of the table on every refresh.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(local.address.high &+ remote.address.high &* 0x9E37_79B9_7F4A_7C15)
        hasher.combine(local.address.low ^ (remote.address.low << 17 | remote.address.low >> 47))
        hasher.combine(UInt64(local.port) << 32 | UInt64(remote.port) << 8 | UInt64(proto.order))
    }
}
