import Testing
@testable import SockscopeCore

/// The captured frames of Fixtures/frames.pcap placed in their conversations, and made-up
/// exchanges for each analysis marker.
struct SegmentAnalyzerTests {
    static func segments() throws -> [Segment] {
        var analyzer = SegmentAnalyzer()
        return try FrameDecoderTests.records().map { record in
            let frame = try FrameDecoder.decode(record.bytes).get()
            return analyzer.analyze(frame, time: Double(record.seconds) + Double(record.nanoseconds) / 1e9)
        }
    }

    /// The IPv4 session: relative numbers from each side's ISN, the window scaled by the shift
    /// of 10 both SYNs announced, no marker on a clean exchange.
    @Test func aCleanSessionInRelativeNumbers() throws {
        let session = Array(try Self.segments()[0..<10])
        let expected: [(String, Bool, UInt32, UInt32, Int, Int?)] = [
            // flags, from the dialer, relSeq, relAck, len, window in bytes
            ("S", true, 0, 0, 0, 65495), ("S.", false, 0, 1, 0, 65483), (".", true, 1, 1, 0, 64 << 10),
            ("P.", true, 1, 1, 6, 64 << 10), (".", false, 1, 7, 0, 64 << 10), ("P.", false, 1, 7, 3000, 64 << 10),
            (".", true, 7, 3001, 0, 98 << 10), ("F.", true, 7, 3001, 0, 98 << 10), ("F.", false, 3001, 8, 0, 64 << 10),
            (".", true, 8, 3002, 0, 98 << 10),
        ]
        for (segment, want) in zip(session, expected) {
            #expect(segment.tcp?.flags.letters == want.0)
            #expect(segment.fromInitiator == want.1)
            #expect(segment.relativeSequence == want.2 && segment.relativeAcknowledgment == want.3, "\(segment.summary)")
            #expect(segment.length == want.4 && segment.scaledWindow == want.5, "\(segment.summary)")
            #expect(segment.markers.isEmpty, "\(segment.summary)")
            #expect(segment.initiator.port == 35342)
        }
        #expect(session[1].summary == "[S.] SYN ACK seq 0 ack 1 len 0 win 65483 <mss 65495,sackOK,TS,wscale 10>")
        #expect(session[2].summary == "[.] ACK seq 1 ack 1 len 0 win 65536 (64<<10) <TS>")
    }

    /// Who sent a RST: the dialer aborting (IPv6), and a closed port refusing a SYN.
    @Test func resetsBySender() throws {
        let all = try Self.segments()
        let abort = all[15], refusal = all[17]
        #expect(abort.tcp?.flags == [.rst, .ack] && abort.fromInitiator && abort.proto == .tcp6)
        #expect(refusal.tcp?.flags == [.rst, .ack] && !refusal.fromInitiator)
        #expect(refusal.relativeSequence == 0 && refusal.relativeAcknowledgment == 1)
        #expect(all[18].proto == .udp && all[18].length == 8)
    }

    @Test func linesAndJSON() throws {
        let syn = try Self.segments()[0]
        let dialer = syn.initiator, listener = syn.responder
        #expect(syn.line(clock: "T") == "T tcp 127.0.0.1:35342 > 127.0.0.1:36959 [S] SYN seq 0 ack 0 len 0 win 65495 <mss 65495,sackOK,TS,wscale 10>")
        #expect(syn.line(clock: "T", local: listener).hasPrefix("T tcp 127.0.0.1:36959 < 127.0.0.1:35342 [S]"))
        let json = syn.json(wallTime: 1.5, local: dialer).text
        #expect(json == #"{"kind":"segment","time":1.5,"proto":"tcp","local":"127.0.0.1:35342","remote":"127.0.0.1:36959","direction":"out","flags":"S","seq":2998089656,"ack":0,"relSeq":0,"relAck":0,"len":0,"window":65495,"windowScaled":65495,"options":{"mss":65495,"sackPermitted":1,"tsval":347084421,"tsecr":0,"wscale":10},"markers":[]}"#)
    }

    // MARK: made-up exchanges

    static let a = SocketEndpoint(address: IPAddress(ipv4: 0x7F00_0001), port: 1000)
    static let b = SocketEndpoint(address: IPAddress(ipv4: 0x7F00_0001), port: 2000)

    /// An exchange written as (from A?, flags, seq, ack, len, window), SYNs announcing shift 0.
    static func run(_ steps: [(Bool, TCPFlags, UInt32, UInt32, Int, UInt16)]) -> [Segment] {
        var analyzer = SegmentAnalyzer()
        return steps.enumerated().map { index, step in
            let options: [TCPOption] = step.1.contains(.syn) ? [.windowScale(0)] : []
            let header = TCPHeader(flags: step.1, sequence: step.2, acknowledgment: step.3, window: step.5, urgentPointer: 0,
                                   dataLength: step.4, options: options)
            let frame = DecodedFrame(source: step.0 ? a : b, destination: step.0 ? b : a, transport: .tcp(header))
            return analyzer.analyze(frame, time: Double(index))
        }
    }

    static let handshake: [(Bool, TCPFlags, UInt32, UInt32, Int, UInt16)] = [
        (true, .syn, 100, 0, 0, 1000), (false, [.syn, .ack], 500, 101, 0, 1000), (true, .ack, 101, 501, 0, 1000),
    ]

    @Test func retransmissionsAndDuplicateACKs() {
        let segments = Self.run(Self.handshake + [
            (true, .syn, 100, 0, 0, 1000),                   // 3: the SYN again
            (true, .ack, 101, 501, 10, 1000),                // 4: bytes 1–10
            (true, .ack, 111, 501, 10, 1000),                // 5: bytes 11–20, lost on the way
            (true, .ack, 121, 501, 10, 1000),                // 6: 21–30
            (false, .ack, 501, 111, 0, 1000),                // 7: ACK of 1–10
            (false, .ack, 501, 111, 0, 1000),                // 8: dup
            (false, .ack, 501, 111, 0, 1000),                // 9: dup
            (true, .ack, 111, 501, 10, 1000),                // 10: fast retransmission
            (false, .ack, 501, 131, 0, 1000),                // 11: all acked
            (true, .ack, 111, 501, 10, 1000),                // 12: sent again after the ACK: a retransmission
            (true, .ack, 141, 501, 10, 1000),                // 13: 131–140 missing
        ])
        #expect(segments[3].markers == [.retransmission])
        #expect(segments[4].markers.isEmpty && segments[5].markers.isEmpty && segments[7].markers.isEmpty)
        #expect(segments[8].markers == [.duplicateACK] && segments[9].markers == [.duplicateACK])
        #expect(segments[10].markers == [.fastRetransmission])
        #expect(segments[11].markers.isEmpty)
        #expect(segments[12].markers == [.retransmission])
        #expect(segments[13].markers == [.previousSegmentNotCaptured])
    }

    @Test func windowsKeepAlivesAndProbes() {
        let segments = Self.run(Self.handshake + [
            (true, .ack, 101, 501, 0, 1000),                 // 3: keep-alive? no: at next, not behind — plain ACK
            (true, .ack, 100, 501, 0, 1000),                 // 4: keep-alive (one byte behind)
            (false, .ack, 501, 101, 0, 1000),                // 5: its answer: no dup ACK
            (true, .ack, 101, 501, 50, 1000),                // 6: data
            (false, .ack, 501, 151, 0, 0),                   // 7: zero window
            (true, .ack, 150, 501, 0, 1000),                 // 8: Linux's probe (one byte behind, window 0)
            (false, .ack, 501, 151, 0, 0),                   // 9: its answer, window still 0
            (true, .ack, 151, 501, 1, 1000),                 // 10: the RFC's probe (the next byte)
            (false, .ack, 501, 151, 0, 800),                 // 11: window update
        ])
        #expect(segments[3].markers.isEmpty)
        #expect(segments[4].markers == [.keepAlive])
        #expect(segments[5].markers.isEmpty)
        #expect(segments[7].markers == [.zeroWindow])
        #expect(segments[8].markers == [.windowProbe])
        #expect(segments[9].markers == [.zeroWindow])
        #expect(segments[10].markers == [.windowProbe])
        #expect(segments[11].markers == [.windowUpdate])
        #expect(segments.allSatisfy { $0.initiator == Self.a })
    }

    /// The same four-tuple again: a new SYN starts a new conversation, its numbers from 0.
    @Test func portReuseStartsAnew() {
        let segments = Self.run(Self.handshake + [(false, .rst, 501, 0, 0, 0), (true, .syn, 9000, 0, 0, 1000),
                                                  (false, [.syn, .ack], 7000, 9001, 0, 1000)])
        #expect(segments[4].relativeSequence == 0 && segments[4].markers.isEmpty)
        #expect(segments[5].relativeSequence == 0 && segments[5].relativeAcknowledgment == 1)
    }

    /// Mid-connection (no handshake seen): numbers from the first seen, the scale unknown; a
    /// SYN-ACK seen first makes its receiver the initiator.
    @Test func withoutTheHandshake() {
        var analyzer = SegmentAnalyzer()
        let header = TCPHeader(flags: .ack, sequence: 42, acknowledgment: 77, window: 5, urgentPointer: 0, dataLength: 3, options: [])
        let segment = analyzer.analyze(DecodedFrame(source: Self.b, destination: Self.a, transport: .tcp(header)), time: 0)
        #expect(segment.relativeSequence == 0 && segment.scaledWindow == nil && segment.initiator == Self.b)
        #expect(segment.summary.contains("win 5 (scale unknown)"))
        var other = SegmentAnalyzer()
        let synACK = TCPHeader(flags: [.syn, .ack], sequence: 1, acknowledgment: 2, window: 5, urgentPointer: 0, dataLength: 0, options: [])
        #expect(other.analyze(DecodedFrame(source: Self.b, destination: Self.a, transport: .tcp(synACK)), time: 0).initiator == Self.a)
    }

    /// A bounded table: past the limit, the idlest half is forgotten.
    @Test func conversationsAreBounded() {
        var analyzer = SegmentAnalyzer(limit: 100)
        for port in 0..<1000 {
            let from = SocketEndpoint(address: Self.a.address, port: UInt16(3000 + port))
            _ = analyzer.analyze(DecodedFrame(source: from, destination: Self.b, transport: .udp(length: 1)), time: Double(port))
            #expect(analyzer.conversationCount <= 100)
        }
    }

    /// Written, then read back: the same records.
    @Test func pcapWriterRoundTrip() {
        let records = FrameDecoderTests.records()
        var bytes = PcapWriter.fileHeader(snapLength: 262_144)
        for record in records {
            record.bytes.withUnsafeBytes {
                PcapWriter.append(record: $0, originalLength: record.originalLength, seconds: record.seconds,
                                  nanoseconds: record.nanoseconds, to: &bytes)
            }
        }
        var reader = PcapReader()
        #expect(reader.feed(bytes) == records)
        #expect(reader.linkType == PcapWriter.ethernet && reader.atBoundary)
    }
}
