/// Which socket an explanation is about, named by its part in the session, so that a learner
/// with two ends on one screen knows which one changed ("our dialer", not "this side").
public enum SocketRole: Sendable, Equatable {
    case ourDialer
    case ourListener
    /// The socket our listener's accept() returned.
    case ourListenersConnection
    /// Ours, for a datagram session or one whose opening is not known.
    case ours
    /// The other end of one of ours, on this host.
    case peersSocket
    /// From the tracepoint's first events: a socket that connected, or one a listener accepted.
    case dialer
    case listenersConnection
    case listener

    public var noun: String {
        switch self {
        case .ourDialer: "our dialer"
        case .ourListener: "our listener"
        case .ourListenersConnection: "our listener's connection"
        case .ours: "our socket"
        case .peersSocket: "the peer's socket"
        case .dialer: "the dialer's socket"
        case .listenersConnection: "the listener's connection"
        case .listener: "the listener"
        }
    }

    /// `text` with its generic subject ("this side", "this socket") named by the role, or by
    /// "this socket" when no role is known (capitalised at the start of a sentence).
    public static func name(in text: String, _ role: SocketRole?) -> String {
        let noun = role?.noun ?? "this socket"
        let capital = noun.prefix(1).uppercased() + noun.dropFirst()
        var out = text
        // Told about the peer's socket, "the peer" is ours.
        if role == .peersSocket {
            out = out.replacing("the peer", with: "our socket").replacing("The peer", with: "Our socket")
        }
        for word in ["this side", "this socket"] {
            out = out.replacing(word, with: noun)
            out = out.replacing(word.prefix(1).uppercased() + word.dropFirst(), with: capital)
        }
        return out
    }
}
