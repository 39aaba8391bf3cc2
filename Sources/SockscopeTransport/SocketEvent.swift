import SockscopeCore

/// A moment in a connection's life at which TCP_INFO was read (DESIGN.md source 2).
public struct SocketEvent: Sendable, Equatable {
    public enum Kind: String, Sendable { case connected, shutDown, endOfStream, closing }
    public var kind: Kind
    /// The engine's connection id.
    public var id: Int
    public var peer: SocketAddress?
    public var info: TCPInfo
}
