import SockscopeCore

/// A whole TCP connection on a ladder, made up segment by segment and analysed as a capture would
/// be: our dialer's handshake, a line each way, a bulk transfer that folds, one retransmission,
/// and the close with every state on both columns.
enum LadderScenario {
    static let dialer = Scenario.endpoint("127.0.0.1:40000")
    static let server = Scenario.endpoint("127.0.0.1:8080")

    static func ladder() -> Ladder {
        var ladder = Ladder(ours: dialer, peer: server, dialed: true)
        var analyzer = SegmentAnalyzer()
        var time = 10.0
        func segment(_ fromDialer: Bool, _ flags: TCPFlags, _ seq: UInt32, _ ack: UInt32, _ length: Int = 0, window: UInt16 = 512) {
            time += 0.000_020
            let options: [TCPOption] = flags.contains(.syn) ? [.maximumSegmentSize(65495), .sackPermitted, .windowScale(7)] : []
            let header = TCPHeader(flags: flags, sequence: seq, acknowledgment: ack, window: window, urgentPointer: 0,
                                   dataLength: length, options: options)
            let frame = DecodedFrame(source: fromDialer ? dialer : server, destination: fromDialer ? server : dialer, transport: .tcp(header))
            ladder.add(analyzer.analyze(frame, time: time))
        }
        func state(_ side: Ladder.Side, _ state: TCPState) {
            time += 0.000_001
            let entry = side == .left ? Scenario.entry("127.0.0.1:40000", "127.0.0.1:8080", state)
                                      : Scenario.entry("127.0.0.1:8080", "127.0.0.1:40000", state)
            ladder.add(state: state, of: entry, at: time)
        }
        state(.left, .synSent)
        segment(true, .syn, 1000, 0, window: 65495)
        segment(false, [.syn, .ack], 5000, 1001, window: 65483)
        state(.left, .established)
        segment(true, .ack, 1001, 5001)
        state(.right, .synRecv)
        state(.right, .established)
        ladder.addConnect(by: .left)
        segment(true, [.psh, .ack], 1001, 5001, 6)
        segment(false, .ack, 5001, 1007)
        segment(true, [.psh, .ack], 1001, 5001, 6)  // sent again: a retransmission
        for index in 0..<20 { segment(false, .ack, 5001 + UInt32(index) * 65483, 1007, 65483) }
        for _ in 0..<10 { segment(true, .ack, 1007, 5001 + 20 * 65483) }
        time += 0.001
        let fin = 5001 + 20 * 65483 as UInt32
        segment(true, [.fin, .ack], 1007, fin)
        ladder.add(action: "shutdown()", by: .left, at: time + 0.000_5, causedWithin: 0.05)
        state(.left, .finWait1)
        state(.right, .closeWait)
        segment(false, .ack, fin, 1008)
        state(.left, .finWait2)
        segment(false, [.fin, .ack], fin, 1008)
        state(.right, .lastAck)
        segment(true, .ack, 1008, fin + 1)
        state(.left, .timeWait)
        state(.right, .close)
        return ladder
    }

    static func model() -> ScreenModel {
        var model = Scenario.connection()
        model.ladders[1] = ladder()
        model.ladderShown = true
        return model
    }
}
