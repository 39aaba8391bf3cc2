import Testing
@testable import SockscopeCore

/// Frames captured on this kernel's loopback with tcpdump (Fixtures/capture-frames.sh), decoded
/// and compared with tcpdump's own reading of the same file (frames.txt).
struct FrameDecoderTests {
    static func records() -> [PcapReader.Record] {
        var reader = PcapReader()
        return reader.feed(fixtureBytes("frames.pcap"))
    }

    /// A decoded frame written the way `tcpdump -nn -S -tt` writes it.
    static func tcpdumpLine(_ record: PcapReader.Record, _ frame: DecodedFrame) -> String {
        let v6 = frame.source.address.isIPv6
        let time = "\(record.seconds).\(String(record.nanoseconds).leftPadded(to: 9))"
        var line = "\(time) \(v6 ? "IP6" : "IP") \(frame.source.address.description).\(frame.source.port) > "
            + "\(frame.destination.address.description).\(frame.destination.port): "
        switch frame.transport {
        case .udp(let length):
            line += "UDP, length \(length)"
        case .tcp(let tcp):
            line += "Flags [\(tcp.flags.letters)]"
            if tcp.dataLength > 0 || !tcp.flags.isDisjoint(with: [.syn, .fin, .rst]) {
                line += ", seq \(tcp.sequence)"
                if tcp.dataLength > 0 { line += ":\(tcp.sequence &+ UInt32(tcp.dataLength))" }
            }
            if tcp.flags.contains(.ack) { line += ", ack \(tcp.acknowledgment)" }
            line += ", win \(tcp.window)"
            if !tcp.options.isEmpty {
                let words = tcp.options.map { option -> String in
                    switch option {
                    case .endOfList: "eol"
                    case .noOperation: "nop"
                    case .maximumSegmentSize(let mss): "mss \(mss)"
                    case .windowScale(let shift): "wscale \(shift)"
                    case .sackPermitted: "sackOK"
                    case .sack(let blocks): "sack \(blocks.count) " + blocks.map { "{\($0.left):\($0.right)}" }.joined()
                    case .timestamps(let value, let echo): "TS val \(value) ecr \(echo)"
                    case .other(let kind, let length): "unknown-\(kind) length \(length)"
                    }
                }
                line += ", options [\(words.joined(separator: ","))]"
            }
            line += ", length \(tcp.dataLength)"
        }
        return line
    }

    @Test func agreesWithTcpdump() throws {
        let records = Self.records()
        let expected = fixture("frames.txt").split(separator: "\n").map(String.init)
        #expect(records.count == expected.count)
        #expect(records.count == 19)
        for (record, line) in zip(records, expected) {
            let frame = try FrameDecoder.decode(record.bytes).get()
            #expect(Self.tcpdumpLine(record, frame) == line)
        }
    }

    @Test func announcesTheConnectionsParameters() throws {
        let syn = try #require(try FrameDecoder.decode(Self.records()[0].bytes).get().tcp)
        #expect(syn.flags == .syn)
        #expect(syn.options.contains(.sackPermitted))
        #expect(syn.options.contains { if case .windowScale(let shift) = $0 { shift <= 14 } else { false } })
        #expect(syn.options.contains { if case .maximumSegmentSize(65495) = $0 { true } else { false } })
        #expect(TCPFlags([.syn, .ack]).letters == "S." && TCPFlags([.syn, .ack]).words == "SYN ACK")
    }

    /// Convention 10: the file split at any offset gives the same records.
    @Test func pcapSplitAtEveryOffset() {
        let bytes = fixtureBytes("frames.pcap")
        let whole = Self.records()
        for cut in 0...bytes.count {
            var reader = PcapReader()
            let records = reader.feed(Array(bytes[..<cut])) + reader.feed(Array(bytes[cut...]))
            #expect(records == whole, "cut at \(cut)")
            #expect(reader.atBoundary && reader.failure == nil)
        }
    }

    /// A frame cut anywhere — by a short snap length, or by garbage — either decodes to the same
    /// header (the cut fell in the data: the IP header still says how long it was) or is
    /// reported truncated.
    @Test func everyPrefixOfEveryFrame() throws {
        for record in Self.records() {
            let whole = try FrameDecoder.decode(record.bytes).get()
            var decodedFrom: Int?
            for length in 0...record.bytes.count {
                switch FrameDecoder.decode(Array(record.bytes[..<length])) {
                case .success(let frame):
                    #expect(frame == whole, "\(length) of \(record.bytes.count) bytes")
                    decodedFrom = decodedFrom ?? length
                case .failure(let error):
                    #expect(error == .truncated, "\(length) of \(record.bytes.count) bytes: \(error)")
                    #expect(decodedFrom == nil, "a longer prefix failed after a shorter one decoded")
                }
            }
            // Headers alone suffice: Ethernet, IP and the TCP header with its options (or UDP's 8).
            let headers: Int
            switch whole.transport {
            case .tcp(let tcp): headers = record.bytes.count - tcp.dataLength
            case .udp(let length): headers = record.bytes.count - length
            }
            #expect(decodedFrom == headers)
        }
    }

    /// Garbage never traps: random frames, random bytes after a valid IPv4 or IPv6 start, and
    /// forged lengths each come out as a frame or an error.
    @Test func garbageIsAnErrorNotATrap() {
        var generator = SplitMix(seed: 0x5EED)
        let templates = Self.records().map(\.bytes)
        var errors: [FrameError: Int] = [:]
        for round in 0..<20_000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int(generator.next() % 120)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            } else {
                bytes = templates[round % templates.count]
                for _ in 0..<(1 + generator.next() % 4) where !bytes.isEmpty {
                    bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
                }
            }
            if case .failure(let error) = FrameDecoder.decode(bytes) { errors[error, default: 0] += 1 }
        }
        #expect(errors[.truncated, default: 0] > 0 && errors[.malformed, default: 0] > 0)
        #expect(errors.keys.contains { if case .notIP = $0 { true } else { false } })
    }

    @Test func pcapGarbageStopsTheReader() {
        var reader = PcapReader()
        #expect(reader.feed(Array("not a capture file at all".utf8)).isEmpty)
        #expect(reader.failure == .notPcap)
        #expect(reader.feed(fixtureBytes("frames.pcap")).isEmpty)

        var forged = fixtureBytes("frames.pcap")
        forged[24 + 8] = 0xFF; forged[24 + 9] = 0xFF; forged[24 + 10] = 0xFF; forged[24 + 11] = 0x7F
        var second = PcapReader()
        #expect(second.feed(forged).isEmpty)
        #expect(second.failure == .recordTooLarge(0x7FFF_FFFF))
    }
}

/// A small seeded generator, so a failure can be replayed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
