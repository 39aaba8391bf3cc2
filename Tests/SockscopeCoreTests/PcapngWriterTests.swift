import SockscopeCore
import Testing

/// --pcap with --tls writes pcapng: a section, one interface in nanoseconds, a block per frame
/// and the TLS secrets in a Decryption Secrets Block — every block's length said at both ends
/// and padded to four bytes, as readers walk them.
@Suite struct PcapngWriterTests {
    struct Block: Equatable {
        var type: UInt32
        var body: [UInt8]
    }

    static func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }

    /// The blocks, walked by their lengths; nil when a length is wrong.
    static func blocks(_ bytes: [UInt8]) -> [Block]? {
        var blocks: [Block] = []
        var at = 0
        while at < bytes.count {
            guard at + 12 <= bytes.count else { return nil }
            let length = Int(u32(bytes, at + 4))
            guard length % 4 == 0, length >= 12, at + length <= bytes.count, u32(bytes, at + length - 4) == UInt32(length) else { return nil }
            blocks.append(Block(type: u32(bytes, at), body: Array(bytes[(at + 8)..<(at + length - 4)])))
            at += length
        }
        return blocks
    }

    @Test func blocksAsReadersWalkThem() throws {
        var bytes = PcapngWriter.fileHeader(snapLength: 65_791)
        let frame: [UInt8] = Array(1...61)  // not a multiple of four: padded
        frame.withUnsafeBytes { PcapngWriter.append(record: $0, originalLength: 1500, seconds: 1_700_000_000, nanoseconds: 123_456_789, to: &bytes) }
        PcapngWriter.append(keyLog: ["CLIENT_RANDOM aa bb", "EXPORTER_SECRET cc dd"], to: &bytes)
        PcapngWriter.append(keyLog: [], to: &bytes)  // nothing: no block

        let blocks = try #require(Self.blocks(bytes))
        #expect(blocks.map(\.type) == [0x0A0D_0D0A, 1, 6, 0x0A])
        // The section: byte-order magic, version 1.0.
        #expect(Self.u32(blocks[0].body, 0) == 0x1A2B_3C4D && blocks[0].body[4] == 1 && blocks[0].body[6] == 0)
        // The interface: Ethernet, the snap length, if_tsresol = 9 (nanoseconds).
        #expect(blocks[1].body[0] == 1 && Self.u32(blocks[1].body, 4) == 65_791)
        #expect(Array(blocks[1].body[8..<13]) == [9, 0, 1, 0, 9])
        // The packet: interface 0, the time in nanoseconds (high, low), captured and original lengths.
        let stamp = UInt64(Self.u32(blocks[2].body, 4)) << 32 | UInt64(Self.u32(blocks[2].body, 8))
        #expect(stamp == 1_700_000_000_123_456_789)
        #expect(Self.u32(blocks[2].body, 12) == 61 && Self.u32(blocks[2].body, 16) == 1500)
        #expect(Array(blocks[2].body[20..<81]) == frame && blocks[2].body.count == 20 + 64)
        // The secrets: TLS key log ("TLSK"), its length, the lines each with its newline.
        let secrets = "CLIENT_RANDOM aa bb\nEXPORTER_SECRET cc dd\n"
        #expect(Self.u32(blocks[3].body, 0) == 0x544C_534B && Self.u32(blocks[3].body, 4) == UInt32(secrets.utf8.count))
        #expect(String(decoding: blocks[3].body[8..<(8 + secrets.utf8.count)], as: UTF8.self) == secrets)
    }
}
