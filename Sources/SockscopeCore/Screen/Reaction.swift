/// What the loop must do after a key (handlers never draw or touch a socket).
public enum Reaction: Equatable, Sendable {
    /// Queue bytes for a connection; nil sends to every open connection (/broadcast).
    case send(connection: Int?, bytes: [UInt8])
    case shutdown(connection: Int)
    case close(connection: Int)
    case reset(connection: Int)
    /// /hold (true) and /release (false): stop reading the connection's socket, or read it again.
    case hold(connection: Int, Bool)
    /// Ctrl-D on an empty line: the end-of-input rule (-N, -q) applies to this connection.
    case endOfInput(connection: Int)
    case quit
    case redraw
    /// Read the socket tables now rather than at the next tick.
    case refreshTable
}
