/// What the kernel must show after a step: a socket's state in the namespace's table, an error a
/// call returned, segments the capture saw (and whether a hold dropped them), a timer, a counter.
/// Checked against what was observed (`LabObservation`), never against the script.
public enum Expectation: Hashable, Sendable {
    case state(LabEnd, TCPState)
    /// The end's socket is gone from the table (closed, or never made: a refused connect).
    case noSocket(LabEnd)
    /// The end's connect() (or a later call) failed with this errno name.
    case error(LabEnd, String)
    case segments(SegmentMatch, atLeast: Int)
    case noSegment(SegmentMatch)
    /// At least `count` matching segments, each gap at least 1.5 times the one before it: a timer
    /// that doubles (exponential backoff). The first `after` segments are not judged (a tail loss
    /// probe comes before the RTO).
    case backoff(SegmentMatch, count: Int, after: Int = 0)
    /// The first segment matching `then` after the first matching `after` comes between
    /// `atLeast` and `atMost` seconds later.
    case gap(after: SegmentMatch, then: SegmentMatch, atLeast: Double, atMost: Double)
    case sendQueue(LabEnd, atLeast: Int)
    case receiveQueue(LabEnd, atLeast: Int)
    /// Bytes the lab read at this end.
    case received(LabEnd, atLeast: Int)
    /// The end's socket has this timer with at least this long left (TIME_WAIT's countdown).
    case timer(LabEnd, SocketEntry.Timer, atLeast: Double)
    /// A counter of the namespace's /proc/net/netstat or snmp, as `TcpExt.SyncookiesSent`, grew
    /// by at least this much since the lesson began.
    case counter(String, atLeast: Int)
    /// The end's peer advertises a zero window (TCP_INFO's snd_wnd is 0).
    case peerWindowClosed(LabEnd)
    /// The end's last write: its first send() took less than it was asked to (the send buffer
    /// had no room for all of it).
    case shortWrite(LabEnd)
}

/// Which captured segments an expectation counts.
public struct SegmentMatch: Hashable, Sendable {
    public var from: LabEnd?
    public var to: LabEnd?
    /// Flags it must have, and flags it must not.
    public var flags: TCPFlags
    public var without: TCPFlags
    /// It carries data (true), none (false), or either.
    public var data: Bool?
    /// A hold dropped it (true), it got through (false), or either.
    public var dropped: Bool?
    public var marker: SegmentMarker?
    /// A UDP datagram rather than a TCP segment.
    public var datagram: Bool

    public init(from: LabEnd? = nil, to: LabEnd? = nil, flags: TCPFlags = [], without: TCPFlags = [], data: Bool? = nil,
                dropped: Bool? = nil, marker: SegmentMarker? = nil, datagram: Bool = false) {
        self.from = from
        self.to = to
        self.flags = flags
        self.without = without
        self.data = data
        self.dropped = dropped
        self.marker = marker
        self.datagram = datagram
    }

    public static func syn(from end: LabEnd, dropped: Bool? = nil) -> SegmentMatch {
        SegmentMatch(from: end, flags: .syn, without: .ack, dropped: dropped)
    }
    public static func synAck(from end: LabEnd, dropped: Bool? = nil) -> SegmentMatch {
        SegmentMatch(from: end, flags: [.syn, .ack], dropped: dropped)
    }
    public static func fin(from end: LabEnd, dropped: Bool? = nil) -> SegmentMatch {
        SegmentMatch(from: end, flags: .fin, dropped: dropped)
    }
    public static func rst(from end: LabEnd) -> SegmentMatch { SegmentMatch(from: end, flags: .rst) }
    /// A bare ACK: no SYN, FIN or RST, no data.
    public static func ack(from end: LabEnd, dropped: Bool? = nil) -> SegmentMatch {
        SegmentMatch(from: end, flags: .ack, without: [.syn, .fin, .rst], data: false, dropped: dropped)
    }
    public static func data(from end: LabEnd, dropped: Bool? = nil, marker: SegmentMarker? = nil) -> SegmentMatch {
        SegmentMatch(from: end, without: [.syn, .rst], data: true, dropped: dropped, marker: marker)
    }

    /// `SYN-ACK from server, dropped`.
    public var text: String {
        var words: String
        if datagram {
            words = "datagram"
        } else if flags.contains(.syn) {
            words = flags.contains(.ack) ? "SYN-ACK" : "SYN"
        } else if flags.contains(.fin) {
            words = "FIN"
        } else if flags.contains(.rst) {
            words = "RST"
        } else if data == true {
            words = "data segment"
        } else if flags.contains(.ack) {
            words = "bare ACK"
        } else {
            words = "segment"
        }
        if let marker { words = "\(marker.rawValue) (\(words))" }
        if let from { words += " from \(from)" }
        if let to { words += " to \(to)" }
        if let dropped { words += dropped ? ", dropped" : ", delivered" }
        return words
    }

    public func matches(_ seen: LabSegment) -> Bool {
        let frame = seen.segment.frame
        if let from, frame.source != from.local { return false }
        if let to, frame.destination != to.local { return false }
        if let dropped, seen.dropped != dropped { return false }
        if let marker, !seen.segment.markers.contains(marker) { return false }
        guard let tcp = frame.tcp else { return datagram }
        if datagram { return false }
        if !tcp.flags.isSuperset(of: flags) || !tcp.flags.isDisjoint(with: without) { return false }
        if let data, (tcp.dataLength > 0) != data { return false }
        return true
    }
}
