/// How a segment is labelled on a ladder's arrow, most telling first so that a narrow arrow
/// keeps what matters: flags in letters and words, relative seq/ack, length, window, a SYN's
/// options, then the analysis.
extension Segment {
    public var ladderLabel: String {
        guard let tcp else { return "UDP len \(length)" }
        var text = "\(tcp.flags.letters) \(tcp.flags.words) seq \(relativeSequence)"
        if tcp.flags.contains(.ack) { text += " ack \(relativeAcknowledgment)" }
        if tcp.dataLength > 0 { text += " len \(tcp.dataLength)" }
        text += " win \(scaledWindow.map(String.init) ?? "\(tcp.window)?")"
        if tcp.flags.contains(.syn) {
            let options = Self.optionWords(tcp.options)
            if !options.isEmpty { text += " <\(options.joined(separator: ","))>" }
        }
        return text
    }

    /// The markers as a short tag for the arrow: `⟲ retransmission`, `dup ACK`, `win 0`.
    public var markerTag: String? {
        guard !markers.isEmpty else { return nil }
        return markers.map { marker -> String in
            switch marker {
            case .retransmission: "⟲ retransmission"
            case .fastRetransmission: "⟲ fast retransmission"
            case .duplicateACK: "dup ACK"
            case .zeroWindow: "zero window"
            case .windowProbe: "window probe"
            case .windowUpdate: "window update"
            case .keepAlive: "keep-alive"
            case .previousSegmentNotCaptured: "gap before"
            }
        }.joined(separator: ", ")
    }
}

/// Times on a ladder: seconds since its first event, to the microsecond (`+0.000123`), since a
/// whole loopback handshake fits in a millisecond.
public enum LadderTime {
    public static func text(_ seconds: Double) -> String {
        let micros = Int((min(max(0, seconds.isFinite ? seconds : 0), 1e9) * 1_000_000).rounded())
        let whole = micros / 1_000_000, fraction = micros % 1_000_000
        return "+\(whole).\(fraction.zeroPadded(6))"
    }
}
