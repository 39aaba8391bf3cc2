/// Segments the lab drops on arrival, to hold a state: an nft rule in the lesson namespace's
/// *input* hook (the capture, which sees a frame before the input hook, still shows it), which
/// logs what it drops to an nflog group so that the ladder marks it ✗.
public struct Hold: Hashable, Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case syn = "SYN"
        case synAck = "SYN-ACK"
        /// A bare ACK: no SYN, FIN or RST, and no data.
        case ack = "ACK"
        case data = "data"
        case any = "every segment"
    }

    public var kind: Kind
    /// Segments arriving at this end (its address and port).
    public var to: LabEnd
    /// Only the first matching segment: a single loss; what follows passes.
    public var once: Bool

    public init(_ kind: Kind, to end: LabEnd, once: Bool = false) {
        self.kind = kind
        to = end
        self.once = once
    }

    public var name: String { "\(once ? "the first " : "")\(kind.rawValue) to \(to.name)" }

    /// The nft rule (for `nft add rule inet LESSON input …`), tagged `comment` so that it can be
    /// deleted by its handle later. A segment with data is told by its length: the longest bare
    /// header is 20 bytes of IPv4 and 60 of TCP, and a lesson's data is never a few bytes.
    public func rule(logGroup: Int) -> String {
        let flags: String = switch kind {
        case .syn: "tcp flags & (syn | ack) == syn"
        case .synAck: "tcp flags & (syn | ack) == syn | ack"
        case .ack: "tcp flags & (syn | fin | rst) == 0 ip length <= 80"
        case .data: "tcp flags & (syn | rst) == 0 ip length > 80"
        case .any: ""
        }
        var words = ["ip daddr \(to.local.address.description) tcp dport \(to.local.port)"]
        if !flags.isEmpty { words.append(flags) }
        // A rate of one an hour with a burst of one: the first packet is under the limit and
        // matches; the rest are over it and pass.
        if once { words.append("limit rate 1/hour burst 1 packets") }
        words.append("log group \(logGroup) drop")
        return words.joined(separator: " ")
    }
}
