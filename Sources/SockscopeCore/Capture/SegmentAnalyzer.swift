/// Places captured frames in their conversations and analyses them as Wireshark's TCP analysis
/// does (retransmission, duplicate ACK, zero window, window probe, window update, keep-alive).
/// A mutating value type fed frames in capture order; it keeps at most `limit` conversations,
/// forgetting the longest idle ones first.
public struct SegmentAnalyzer: Sendable {
    struct Key: Hashable, Sendable {
        let ends: EndpointPair
        let tcp: Bool
        init(_ a: SocketEndpoint, _ b: SocketEndpoint, tcp: Bool) {
            ends = EndpointPair(a, b)
            self.tcp = tcp
        }
    }

    struct Conversation: Sendable {
        var initiator: SocketEndpoint
        var responder: SocketEndpoint
        var initiatorFlow = TCPFlow()
        var responderFlow = TCPFlow()
        var lastSeen: Double
    }

    var conversations: [Key: Conversation] = [:]
    public let limit: Int

    public init(limit: Int = 16_384) { self.limit = max(limit, 1) }

    public var conversationCount: Int { conversations.count }

    public mutating func analyze(_ frame: DecodedFrame, time: Double) -> Segment {
        let key = Key(frame.source, frame.destination, tcp: frame.tcp != nil)
        var conversation = conversations[key] ?? Self.start(frame, time: time)
        if let tcp = frame.tcp, Self.beginsAnew(conversation, with: tcp, from: frame.source) {
            conversation = Self.start(frame, time: time)
        }
        let fromInitiator = frame.source == conversation.initiator
        var segment = Segment(time: time, initiator: conversation.initiator, responder: conversation.responder,
                              fromInitiator: fromInitiator, frame: frame, relativeSequence: 0, relativeAcknowledgment: 0,
                              windowShift: nil, markers: [])
        if let tcp = frame.tcp {
            if fromInitiator {
                Self.analyze(tcp, into: &segment, sender: &conversation.initiatorFlow, receiver: &conversation.responderFlow)
            } else {
                Self.analyze(tcp, into: &segment, sender: &conversation.responderFlow, receiver: &conversation.initiatorFlow)
            }
        }
        conversation.lastSeen = time
        if conversations[key] == nil && conversations.count >= limit { forgetIdle() }
        conversations[key] = conversation
        return segment
    }

    /// A new conversation: the SYN's sender initiates it (a SYN-ACK's receiver, when the SYN was
    /// missed); otherwise whoever spoke first.
    static func start(_ frame: DecodedFrame, time: Double) -> Conversation {
        if let tcp = frame.tcp, tcp.flags.contains(.syn), tcp.flags.contains(.ack) {
            return Conversation(initiator: frame.destination, responder: frame.source, lastSeen: time)
        }
        return Conversation(initiator: frame.source, responder: frame.destination, lastSeen: time)
    }

    /// The same four-tuple used again: a SYN whose sequence number is not the one the initiator
    /// began with, or a SYN from the other side (a retransmitted SYN carries the same number).
    static func beginsAnew(_ conversation: Conversation, with tcp: TCPHeader, from source: SocketEndpoint) -> Bool {
        guard tcp.flags.contains(.syn), !tcp.flags.contains(.ack) else { return false }
        let flow = source == conversation.initiator ? conversation.initiatorFlow : conversation.responderFlow
        guard let base = flow.base else { return source != conversation.initiator }
        return base != tcp.sequence || source != conversation.initiator
    }

    /// Forgets the idle half of the conversations (the table is full).
    mutating func forgetIdle() {
        let times = conversations.values.map(\.lastSeen).sorted()
        let cutoff = times[times.count / 2]
        conversations = conversations.filter { $0.value.lastSeen > cutoff }
    }
}
