/// One connection as a ladder (the teaching view): the segments between its two ends, each end's
/// state changes, and what the applications did, in time order. The side that sent the SYN is
/// always on the left. Pure; the screen and `--ladder FILE.svg` draw it.
public struct Ladder: Sendable, Equatable {
    public enum Side: Sendable, Equatable { case left, right }

    public enum Event: Sendable, Equatable {
        case segment(Segment)
        /// An end's state, written on its column when it changes.
        case state(time: Double, side: Side, state: TCPState)
        /// What an application did: `connect()`, `shutdown()`, `close()`, `EOF read`.
        case action(time: Double, side: Side, text: String)

        public var time: Double {
            switch self {
            case .segment(let segment): segment.time
            case .state(let time, _, _), .action(let time, _, _): time
            }
        }
    }

    public private(set) var left: SocketEndpoint
    public private(set) var right: SocketEndpoint
    /// Which end is ours (the screen's session); nil when neither is.
    public var ours: Side?
    public private(set) var events: [Event] = []
    /// Events dropped from the middle of a very long session (the start and the end stay).
    public private(set) var dropped = 0
    /// The TLS records each side sent, by their place in its stream (issue 21): a segment's
    /// arrow names the records whose headers it carries.
    public private(set) var leftRecords: [TLSRecord] = []
    public private(set) var rightRecords: [TLSRecord] = []

    /// A long transfer is mostly data segments: past this many events, the oldest after the
    /// first `kept` go (the grouping shows them as one row anyway).
    public static let limit = 20_000
    static let kept = 500

    public init(left: SocketEndpoint, right: SocketEndpoint, ours: Side? = nil) {
        self.left = left
        self.right = right
        self.ours = ours
    }

    /// Our dialer on the left; or, for a connection our listener accepted, the peer on the left.
    public init(ours: SocketEndpoint, peer: SocketEndpoint, dialed: Bool) {
        self.init(left: dialed ? ours : peer, right: dialed ? peer : ours, ours: dialed ? .left : .right)
    }

    /// Whether a segment travels between this ladder's two ends.
    public func carries(_ segment: Segment) -> Bool {
        let frame = segment.frame
        return (frame.source == left && frame.destination == right) || (frame.source == right && frame.destination == left)
    }

    /// The side a socket of the tables or the tracepoint is: a connecting socket has no local
    /// port yet (the tracepoint's first CLOSE → SYN_SENT), so its peer alone says which.
    public func side(of entry: SocketEntry) -> Side? {
        if entry.local == left && entry.remote == right { return .left }
        if entry.local == right && entry.remote == left { return .right }
        if entry.local.port == 0 && entry.remote == right { return .left }
        if entry.local.port == 0 && entry.remote == left { return .right }
        return nil
    }

    public mutating func add(_ segment: Segment) {
        guard carries(segment) else { return }
        // A SYN sent from the right (simultaneous open aside): the sides follow the SYN.
        if let tcp = segment.tcp, tcp.flags == .syn, segment.frame.source == right, events.isEmpty {
            swap(&left, &right)
            swap(&leftRecords, &rightRecords)
            ours = ours.map { $0 == .left ? .right : .left }
        }
        append(.segment(segment))
        // A SYN_RECV told before its SYN-ACK was captured moves to it (below) — to the first
        // SYN-ACK of its end, not to one sent again.
        if let tcp = segment.tcp, tcp.flags.isSuperset(of: [.syn, .ack]) {
            let side: Side = segment.frame.source == left ? .left : .right
            let first = !events.contains { event in
                guard case .segment(let earlier) = event, let flags = earlier.tcp?.flags, flags.isSuperset(of: [.syn, .ack]) else { return false }
                return earlier.frame.source == segment.frame.source && earlier.time < segment.time
            }
            if first, let index = events.firstIndex(where: { event in
                guard case .state(let time, side, .synRecv) = event else { return false }
                return time < segment.time && segment.time - time < Self.synRecvReach
            }) {
                events.remove(at: index)
                append(.state(time: segment.time, side: side, state: .synRecv))
            }
        }
    }

    /// SYN_RECV is drawn where RFC 9293 and the textbooks put it: at the SYN-ACK its end sends.
    /// Linux tells it later — when the handshake's last ACK makes the full socket (before that a
    /// request socket stands for it; the transition log says so) — or earlier, from the table.
    public mutating func add(state: TCPState, of entry: SocketEntry, at time: Double) {
        guard let side = side(of: entry) else { return }
        var when = time
        if state == .synRecv, let synAck = events.last(where: { event in
            guard case .segment(let segment) = event, let tcp = segment.tcp, tcp.flags.isSuperset(of: [.syn, .ack]) else { return false }
            return (segment.frame.source == left) == (side == .left) && segment.time <= time && time - segment.time < Self.synRecvReach
        }) {
            when = synAck.time
        }
        append(.state(time: when, side: side, state: state))
    }

    /// How far apart a SYN_RECV and its SYN-ACK may be told and still be one (a held handshake
    /// waits for the teacher between them).
    static let synRecvReach = 3600.0

    /// An application's call. The engine reports it after the call returned, when the segments
    /// it sent are already captured: with `causedWithin`, the action goes just before the first
    /// FIN or RST its side sent within that many seconds before `time`.
    public mutating func add(action text: String, by side: Side, at time: Double, causedWithin window: Double = 0) {
        var when = time
        if window > 0, let caused = events.first(where: { event in
            guard case .segment(let segment) = event, event.time >= time - window, event.time <= time,
                  (segment.frame.source == left) == (side == .left), let tcp = segment.tcp else { return false }
            return !tcp.flags.isDisjoint(with: [.fin, .rst])
        }) {
            when = caused.time - 1e-7
        }
        append(.action(time: when, side: side, text: text))
    }

    /// A TLS record `side` sent — or more of one already added (the same offset: its messages
    /// arrive after its header). Records come in their stream's order.
    public mutating func add(record: TLSRecord, sentBy side: Side) {
        func place(_ records: inout [TLSRecord]) {
            if let last = records.last, last.offset == record.offset {
                records[records.count - 1] = record
                return
            }
            records.append(record)
            // A long transfer is mostly application data: as with events, the middle goes.
            if records.count > Self.limit { records.removeSubrange(Self.kept..<(Self.kept + Self.limit / 2)) }
        }
        if side == .left { place(&leftRecords) } else { place(&rightRecords) }
    }

    /// The records whose headers a segment from `side` carries, in order.
    public func records(in segment: Segment, sentBy side: Side) -> [TLSRecord] {
        let records = side == .left ? leftRecords : rightRecords
        guard segment.length > 0, segment.tcp != nil, let last = records.last else { return [] }
        // Relative sequence numbers wrap at 4 GiB; the records' offsets do not. The segment's
        // place is the one at or below the last record's (a retransmission is older, never newer).
        let wrapped = Int(segment.relativeSequence) - 1
        let start = wrapped + max(0, last.offset - wrapped) / (1 << 32) * (1 << 32)
        var low = 0, high = records.count
        while low < high {
            let middle = (low + high) / 2
            if records[middle].offset < start { low = middle + 1 } else { high = middle }
        }
        var found: [TLSRecord] = []
        while low < records.count && records[low].offset < start + segment.length {
            found.append(records[low])
            low += 1
        }
        return found
    }

    /// `connect()` at the very start, before the SYN it sent (the session is known only once
    /// connect() has returned).
    public mutating func addConnect(by side: Side) {
        let first = events.first?.time ?? 0
        events.insert(.action(time: first - 1e-7, side: side, text: "connect()"), at: 0)
    }

    /// In time order: sources read at different moments (the capture, the tracepoint, the
    /// engine) may hand an event over after a later one.
    mutating func append(_ event: Event) {
        var index = events.count
        while index > 0 && events[index - 1].time > event.time { index -= 1 }
        // connect() stays first: what the tracepoint reports of it (CLOSE → SYN_SENT) can be
        // stamped a moment before the engine's note of the call.
        if index == 0, case .action(_, let side, "connect()")? = events.first {
            events[0] = .action(time: event.time - 1e-7, side: side, text: "connect()")
            index = 1
        }
        events.insert(event, at: index)
        if events.count > Self.limit {
            let cut = events.count - Self.limit / 2
            events.removeSubrange(Self.kept..<(Self.kept + cut))
            dropped += cut
        }
    }
}
