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
        var words = [(subjects[0], noun), (subjects[1], capital), (subjects[2], noun), (subjects[3], capital)]
        // Told about the peer's socket, "the peer" is ours.
        if role == .peersSocket { words += [(subjects[4], "our socket"), (subjects[5], "Our socket")] }
        return replacingAtOnce(words, in: text)
    }

    /// The generic subjects of explanations, as bytes once for all.
    static let subjects = ["this side", "This side", "this socket", "This socket", "the peer", "The peer"].map { Array($0.utf8) }

    /// `text` with each occurrence of a pattern replaced, in one pass over its bytes (what is
    /// put in is not searched again). Patterns are ASCII, so a byte match is a character match.
    /// (An explanation is named for every transition a stream shows: `replacing` per pattern
    /// cost more than the rest of a line together.)
    static func replacingAtOnce(_ patterns: [([UInt8], String)], in text: String) -> String {
        var out: [UInt8] = []
        var text = text
        text.withUTF8 { bytes in
            out.reserveCapacity(bytes.count + 32)
            var index = 0
            scan: while index < bytes.count {
                for (pattern, replacement) in patterns where bytes[index] == pattern[0] && index + pattern.count <= bytes.count {
                    if (1..<pattern.count).allSatisfy({ bytes[index + $0] == pattern[$0] }) {
                        out += replacement.utf8
                        index += pattern.count
                        continue scan
                    }
                }
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
