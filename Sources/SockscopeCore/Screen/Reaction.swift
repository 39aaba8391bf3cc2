/// What the loop must do after a key (handlers never draw or touch a socket).
public enum Reaction: Equatable, Sendable {
    /// Queue bytes for a session; nil sends to every open session (/broadcast).
    case send(session: Int?, bytes: [UInt8])
    case shutdown(session: Int)
    case close(session: Int)
    case reset(session: Int)
    /// /hold (true) and /release (false): stop reading the session's socket, or read it again.
    case hold(session: Int, Bool)
    /// Ctrl-D on an empty line: the end-of-input rule (-N, -q) applies to this session.
    case endOfInput(session: Int)
    case quit
    case redraw
    /// Read the socket tables now rather than at the next tick.
    case refreshTable
}
