import SockscopeCore
import Testing

/// TLS records from OpenSSL's message callback onto the ladder: each record placed in its
/// sender's stream, named by what it holds, and shown beside the segment that carried its header.
@Suite struct TLSRecordTests {
    typealias Event = TLSRecordReader.Event

    /// A TLS 1.3 client's handshake with a HelloRetryRequest, as the callback tells it: headers
    /// place the records one after another in each direction; messages belong to the last
    /// header of their direction; a protected record says what it protects.
    static func handshake() -> [TLSRecord] {
        var reader = TLSRecordReader()
        var told: [TLSRecord] = []
        func take(_ event: Event, sent: Bool) {
            guard let record = reader.take(event, sent: sent) else { return }
            if let last = told.lastIndex(where: { $0.ours == record.ours }), told[last].offset == record.offset {
                told[last] = record
            } else {
                told.append(record)
            }
        }
        take(.header(type: 22, length: 306), sent: true)
        take(.handshake(1), sent: true)
        take(.header(type: 22, length: 88), sent: false)
        take(.handshake(2, retry: true), sent: false)
        take(.header(type: 20, length: 1), sent: false)
        take(.header(type: 20, length: 1), sent: true)
        take(.header(type: 22, length: 339), sent: true)
        take(.handshake(1), sent: true)
        take(.header(type: 22, length: 155), sent: false)
        take(.handshake(2), sent: false)
        take(.header(type: 23, length: 23), sent: false)
        take(.inner(22), sent: false)
        take(.handshake(8), sent: false)
        take(.header(type: 23, length: 19), sent: false)
        take(.inner(21), sent: false)
        take(.alert(level: 1, description: 0), sent: false)
        return told
    }

    @Test func recordsArePlacedAndNamed() {
        let records = Self.handshake()
        let sent = records.filter(\.ours), received = records.filter { !$0.ours }
        #expect(sent.map(\.offset) == [0, 311, 317])
        #expect(received.map(\.offset) == [0, 93, 99, 259, 287])
        #expect(sent.map(\.label) == ["ClientHello 306", "ChangeCipherSpec 1", "ClientHello 339"])
        #expect(received.map(\.label) == ["HelloRetryRequest 88", "ChangeCipherSpec 1", "ServerHello 155",
                                          "EncryptedExtensions (encrypted) 23", "close_notify (encrypted) 19"])
        #expect(received.last?.isApplicationData == false)
        #expect(TLSRecord.label(of: Array(received.prefix(2))) == "TLS HelloRetryRequest 88 + ChangeCipherSpec 1")
        // A proxy's answer and the first records after it, in one segment: each layer named.
        var reply = TLSRecord(ours: false, offset: 0, type: 0, length: 10, contents: ["reply: succeeded"])
        reply.layer = "SOCKS5"
        #expect(TLSRecord.label(of: [reply] + Array(received.prefix(2)))
                == "SOCKS5 reply: succeeded 10 + TLS HelloRetryRequest 88 + ChangeCipherSpec 1")
    }

    /// TLS 1.2: what follows a side's ChangeCipherSpec is protected (its Finished, its alerts);
    /// TLS 1.3's second ClientHello after the compatibility ChangeCipherSpec is not.
    @Test func afterChangeCipherSpecIsEncryptedButNotAHello() {
        var reader = TLSRecordReader()
        _ = reader.take(.header(type: 20, length: 1), sent: true)
        _ = reader.take(.header(type: 22, length: 40), sent: true)
        #expect(reader.take(.handshake(20), sent: true)?.label == "Finished (encrypted) 40")
        _ = reader.take(.header(type: 22, length: 339), sent: true)
        #expect(reader.take(.handshake(1), sent: true)?.label == "ClientHello 339")
        _ = reader.take(.header(type: 21, length: 26), sent: true)
        #expect(reader.take(.alert(level: 2, description: 40), sent: true)?.label == "fatal handshake_failure (encrypted) 26")
        // The other direction has not changed its cipher.
        _ = reader.take(.header(type: 22, length: 4), sent: false)
        #expect(reader.take(.handshake(14), sent: false)?.label == "ServerHelloDone 4")
    }

    /// Once the callback's queue overflowed, offsets are unknown: no record is told rather than
    /// one misplaced.
    @Test func aLostEventStopsTheRecords() {
        var reader = TLSRecordReader()
        #expect(reader.take(.header(type: 23, length: 100), sent: true) != nil)
        reader.markLost()
        #expect(reader.take(.header(type: 23, length: 100), sent: true) == nil)
        #expect(reader.take(.handshake(4), sent: false) == nil)
    }

    static let client = SocketEndpoint(address: IPAddress(ipv4: 0x7F00_0001), port: 40000)
    static let server = SocketEndpoint(address: IPAddress(ipv4: 0x7F00_0001), port: 8443)

    /// A dialed TLS connection on the ladder: the ClientHello's segment names it, the server's
    /// flight names its records, a segment in the middle of a record names none, a
    /// retransmission names its records again, and a long run of application data still folds
    /// while the handshake's rows never do.
    @Test func segmentsNameTheRecordsTheyCarry() {
        var built = Built()
        func segment(_ fromClient: Bool, _ flags: TCPFlags, _ seq: UInt32, _ ack: UInt32, _ length: Int = 0) {
            built.segment(fromClient, flags, seq, ack, length)
        }
        built.handshake()
        segment(true, [.psh, .ack], 101, 901, 311)  // the ClientHello
        segment(false, [.psh, .ack], 901, 412, 99)  // HelloRetryRequest and ChangeCipherSpec
        segment(true, [.psh, .ack], 412, 1000, 350)  // ChangeCipherSpec, the second ClientHello
        segment(false, [.psh, .ack], 1000, 762, 160)  // the ServerHello (5 + 155 bytes)
        segment(false, [.psh, .ack], 1160, 762, 1000)  // the two protected records, and bytes after them
        segment(true, [.psh, .ack], 101, 1000, 311)  // the ClientHello again: a retransmission
        for record in Self.handshake() { built.ladder.add(record: record, sentBy: record.ours ? .left : .right) }
        // Twenty application data records of 1,000 bytes from the client, one per segment.
        var offset = 311 + 6 + 344
        for _ in 0..<20 {
            built.ladder.add(record: TLSRecord(ours: true, offset: offset, type: 23, length: 995, inner: 23), sentBy: .left)
            segment(true, [.psh, .ack], 101 + UInt32(offset), 1160, 1000)
            offset += 1000
        }

        let ladder = built.ladder
        let rows = ladder.rows()
        let labels = rows.compactMap(\.arrow).map(\.label)
        #expect(labels.contains { $0.hasPrefix("TLS ClientHello 306 P. PSH ACK seq 1 ack 1 len 311") }, "\(labels)")
        #expect(labels.contains { $0.hasPrefix("TLS HelloRetryRequest 88 + ChangeCipherSpec 1 P. PSH ACK seq 1 ack 312 len 99") })
        #expect(labels.contains { $0.hasPrefix("TLS ChangeCipherSpec 1 + ClientHello 339 P. PSH ACK seq 312") })
        #expect(labels.contains { $0.hasPrefix("TLS ServerHello 155 P. PSH ACK seq 100 ") })
        // The next segment starts inside the ServerHello and carries the two protected records' headers.
        #expect(labels.contains { $0.hasPrefix("TLS EncryptedExtensions (encrypted) 23 + close_notify (encrypted) 19 P. PSH ACK seq 260 ") })
        #expect(labels.contains { $0.hasPrefix("⟲ retransmission TLS ClientHello 306 P. PSH ACK seq 1 ") })
        // The application data folds into one row, keeping two at each end.
        #expect(labels.filter { $0.hasPrefix("TLS ApplicationData 995 ") }.count == 4)
        #expect(rows.contains { if case .group(let text) = $0.middle { text.hasPrefix("… 16 segments: 16 with data") } else { false } })
        // The SVG writes the records under their arrows.
        let svg = LadderSVG.render(ladder)
        #expect(svg.contains(">TLS HelloRetryRequest 88 + ChangeCipherSpec 1</text>"))
        #expect(svg.contains(">TLS ClientHello 306</text>"))
    }

    /// A proxy's answer is the peer's own text: the ladder keeps it as it came (the screen's
    /// put escapes it), the SVG escapes its control characters — XML has no place for them, and
    /// a viewer must not be handed an escape sequence.
    @Test func aProxysHostileStatusLineIsEscapedInTheSVG() {
        var built = Built()
        built.handshake()
        let status = "HTTP/1.1 200 \u{1B}]0;owned\u{07}"
        var record = TLSRecord(ours: false, offset: 0, type: 0, length: 40, contents: [status])
        record.layer = "HTTP CONNECT"
        built.ladder.add(record: record, sentBy: .right)
        built.segment(false, [.psh, .ack], 901, 101, 40)
        let ladder = built.ladder
        #expect(ladder.rows().compactMap(\.arrow).contains { $0.label.contains(status) })
        let svg = LadderSVG.render(ladder)
        #expect(svg.contains("HTTP/1.1 200 \\x1b]0;owned\\x07"), "\(svg)")
        #expect(!svg.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
    }

    /// A ladder between the test's two ends, fed segments as a capture would.
    struct Built {
        var ladder = Ladder(ours: TLSRecordTests.client, peer: TLSRecordTests.server, dialed: true)
        var analyzer = SegmentAnalyzer()
        var time = 1.0

        mutating func segment(_ fromClient: Bool, _ flags: TCPFlags, _ seq: UInt32, _ ack: UInt32, _ length: Int = 0) {
            time += 0.000_1
            let header = TCPHeader(flags: flags, sequence: seq, acknowledgment: ack, window: 512, urgentPointer: 0,
                                   dataLength: length, options: flags.contains(.syn) ? [.windowScale(7)] : [])
            let frame = DecodedFrame(source: fromClient ? TLSRecordTests.client : TLSRecordTests.server,
                                     destination: fromClient ? TLSRecordTests.server : TLSRecordTests.client, transport: .tcp(header))
            ladder.add(analyzer.analyze(frame, time: time))
        }

        /// The three-way handshake both tests start from: client ISN 100, server ISN 900.
        mutating func handshake() {
            segment(true, .syn, 100, 0)
            segment(false, [.syn, .ack], 900, 101)
            segment(true, .ack, 101, 901)
        }
    }
}
