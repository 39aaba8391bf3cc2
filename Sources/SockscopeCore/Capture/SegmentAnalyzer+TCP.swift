/// The analysis of one TCP segment against what each side sent before it: Wireshark's rules
/// (tcp_analyze_sequence_number), in its order, with one departure noted at `windowProbe`.
extension SegmentAnalyzer {
    static func analyze(_ tcp: TCPHeader, into segment: inout Segment, sender: inout TCPFlow, receiver: inout TCPFlow) {
        let flags = tcp.flags
        let control = !flags.isDisjoint(with: [.syn, .fin, .rst])
        if flags.contains(.syn) {
            sender.base = tcp.sequence
            sender.announcedScale = .some(tcp.options.lazy.compactMap { if case .windowScale(let shift) = $0 { min(shift, 14) } else { nil } }.first)
        }
        if sender.base == nil { sender.base = tcp.sequence }
        segment.relativeSequence = tcp.sequence &- (sender.base ?? tcp.sequence)
        if flags.contains(.ack) { segment.relativeAcknowledgment = tcp.acknowledgment &- (receiver.base ?? tcp.acknowledgment) }
        segment.windowShift = windowShift(tcp, sender: sender, receiver: receiver)

        var markers: [SegmentMarker] = []
        let occupies = tcp.dataLength + (flags.contains(.syn) ? 1 : 0) + (flags.contains(.fin) ? 1 : 0)
        let end = tcp.sequence &+ UInt32(truncatingIfNeeded: occupies)
        // One byte behind, one byte or none: a keep-alive, or a probe into a zero window.
        var probe = false
        if let next = sender.next, tcp.dataLength <= 1, !control, tcp.sequence == next &- 1 {
            probe = true
            markers.append(receiver.window == 0 ? .windowProbe : .keepAlive)
        } else if let next = sender.next, tcp.dataLength == 1, !control, tcp.sequence == next, receiver.window == 0 {
            probe = true  // the RFC's probe: the next byte, sent into the closed window
            markers.append(.windowProbe)
        }
        if tcp.window == 0 && !control { markers.append(.zeroWindow) }
        if !probe, occupies > 0, let next = sender.next {
            if TCPFlow.after(tcp.sequence, next) {
                markers.append(.previousSegmentNotCaptured)
            } else if !TCPFlow.after(end, next) || TCPFlow.after(next, tcp.sequence) {
                let fast = receiver.duplicateACKs >= 2 && receiver.lastAck == tcp.sequence
                markers.append(fast ? .fastRetransmission : .retransmission)
            }
        }
        var duplicate = false
        if occupies == 0, !control, flags.contains(.ack), !probe, tcp.sequence == sender.next,
           let lastAck = sender.lastAck, tcp.acknowledgment == lastAck {
            if let window = sender.window, window != tcp.window {
                if tcp.window != 0 { markers.append(.windowUpdate) }
            } else if let next = receiver.next, TCPFlow.after(next, lastAck), !receiver.lastWasProbe {
                // Data is outstanding and the ACK does not move: the receiver saw a gap (unless
                // it answers a keep-alive or a probe, which asks for exactly this ACK).
                duplicate = true
                markers.append(.duplicateACK)
            }
        }

        // What this side has now sent.
        if !probe, sender.next.map({ TCPFlow.after(end, $0) }) ?? true { sender.next = end }
        if flags.contains(.ack) {
            if sender.lastAck.map({ TCPFlow.after(tcp.acknowledgment, $0) }) ?? true { sender.duplicateACKs = 0 }
            sender.lastAck = tcp.acknowledgment
        }
        if duplicate { sender.duplicateACKs += 1 }
        sender.window = tcp.window
        sender.lastWasProbe = probe
        segment.markers = markers
    }

    /// RFC 7323 §2.2: a window is scaled only when both SYNs carried the option, and never in a
    /// SYN itself. Unknown (nil) when the handshake was not captured.
    static func windowShift(_ tcp: TCPHeader, sender: TCPFlow, receiver: TCPFlow) -> Int? {
        if tcp.flags.contains(.syn) { return 0 }
        guard let mine = sender.announcedScale, let theirs = receiver.announcedScale else { return nil }
        guard let shift = mine, theirs != nil else { return 0 }
        return Int(shift)
    }
}
