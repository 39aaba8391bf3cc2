import Testing
import TestSupport
@testable import SockscopeCore

struct ProcNetParserTests {
    /// The fixtures were captured together with `ss -tuan` (Fixtures/capture.sh): every socket
    /// ss saw is parsed with the same state, queues and endpoints.
    @Test func agreesWithSSOnTheCapturedTables() throws {
        var entries: [SocketEntry] = []
        for proto in SocketProtocol.allCases {
            let (parsed, skipped) = ProcNetParser.parse(fixture("proc-net-\(proto.rawValue).txt"), proto: proto)
            #expect(skipped == 0)
            entries += parsed
        }
        let ssRows = fixture("ss-tuan.txt").split(separator: "\n").dropFirst().map { $0.split(separator: " ") }
        #expect(entries.count == ssRows.count)
        for row in ssRows {
            let (netid, state, recvQ, local, peer) = (row[0], row[1], row[2], String(row[4]), String(row[5]))
            let match = entries.first { entry in
                entry.proto.isTCP == (netid == "tcp") && ssStyle(entry.local) == local
                    && ssStyle(entry.remote, peer: true, dualStack: entry.local.address.isIPv6 && entry.local.address.isUnspecified) == peer
            }
            let entry = try #require(match, "no parsed entry for \(row)")
            #expect(TCPState(name: String(state)).map(\.rawValue) ?? (state == "UNCONN" ? 7 : 0) == entry.stateCode)
            // ss shows Recv-Q of a listener as its accept queue, which /proc shows too.
            #expect(UInt32(recvQ) == entry.recvQueue, "\(row)")
        }
    }

    /// ss writes a wildcard as `*` (a dual-stack socket) or `0.0.0.0:*` / `[::]:*`; ours is the
    /// kernel's address.
    func ssStyle(_ endpoint: SocketEndpoint, peer: Bool = false, dualStack: Bool = false) -> String {
        let host = endpoint.address.isIPv6 ? "[\(endpoint.address.description)]" : endpoint.address.description
        if endpoint.address.isIPv6 && endpoint.address.isUnspecified && !peer && endpoint.port != 0 {
            return "*:\(endpoint.port)"  // a dual-stack listener
        }
        if endpoint.port == 0 && peer {
            return dualStack ? "*:*" : "\(host):*"
        }
        return "\(host):\(endpoint.port)"
    }

    @Test func decodesAddressesPortsAndColumns() {
        let line = "   8: 0100007F:9041 0100007F:EBE0 01 0000000A:000003E8 03:00001765 00000002  1000        0 334101 1 00000000bf337932 20 4 32 10 -1\n"
        let (entries, skipped) = ProcNetParser.parse(line, proto: .tcp)
        #expect(skipped == 0)
        let e = entries[0]
        #expect(e.local.description == "127.0.0.1:36929" && e.remote.description == "127.0.0.1:60384")
        #expect(e.tcpState == .established && e.sendQueue == 10 && e.recvQueue == 1000)
        #expect(e.timer == .timeWait && e.expiresMs == 0x1765 * 10 && e.retransmits == 2)
        #expect(e.uid == 1000 && e.inode == 334101)
    }

    @Test func ipv6AndMappedAddresses() {
        let text = fixture("proc-net-tcp6.txt")
        let (entries, _) = ProcNetParser.parse(text, proto: .tcp6)
        let rendered = Set(entries.map { "\($0.local)" })
        #expect(rendered.contains { $0.hasPrefix("[::1]:") })
        #expect(rendered.contains { $0.hasPrefix("[::ffff:127.0.0.1]:") })
        #expect(rendered.contains { $0.hasPrefix("[::]:") })
    }

    @Test func udpStatesAreUnconnOrEstablished() {
        let (entries, _) = ProcNetParser.parse(fixture("proc-net-udp.txt"), proto: .udp)
        #expect(Set(entries.map(\.stateName)) == ["UNCONN", "ESTABLISHED"])
        #expect(entries.allSatisfy { $0.tcpState == nil })
    }

    /// Convention 10: the same table split at every offset parses to the same entries.
    @Test func splitAtEveryOffset() {
        let text = fixture("proc-net-tcp.txt")
        let whole = ProcNetParser.parse(text, proto: .tcp).entries
        let bytes = Array(text.utf8)
        for cut in stride(from: 0, through: bytes.count, by: 7) {
            var parser = ProcNetParser(proto: .tcp)
            var entries: [SocketEntry] = []
            bytes[..<cut].withUnsafeBytes { parser.feed($0, into: &entries) }
            bytes[cut...].withUnsafeBytes { parser.feed($0, into: &entries) }
            parser.finish(into: &entries)
            #expect(entries == whole, "cut at \(cut)")
        }
    }

    @Test func truncatedAndGarbageLinesAreSkippedAndCounted() {
        let good = "   0: 0100007F:9F13 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 334105 1 x\n"
        let text = "  sl  local_address rem_address   st tx_queue\n"
            + good
            + "   1: 0100007F:9F13 00000000:00\n"                  // truncated
            + "garbage \u{0}\u{1} line\n"
            + "   2: 0100007G:9F13 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1\n"  // bad hex
            + "   3: 0100007F:1FFFF 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1\n" // port > 16 bits
            + "\n"
            + good
        let (entries, skipped) = ProcNetParser.parse(text, proto: .tcp)
        #expect(entries.count == 2)
        #expect(skipped == 4)
    }

    /// Random bytes never crash the parser, and every line is either parsed or counted.
    @Test func randomInputNeverCrashes() {
        for seed in UInt64(1)...200 {
            var bytes = randomBytes(600, seed: seed)
            // Mix in characters the format uses so that some lines get far into the scanner.
            for i in stride(from: 0, to: bytes.count, by: 3) { bytes[i] = Array("0123456789ABCDEF: \n".utf8)[Int(bytes[i]) % 19] }
            var parser = ProcNetParser(proto: seed % 2 == 0 ? .tcp : .tcp6)
            var entries: [SocketEntry] = []
            bytes.withUnsafeBytes { parser.feed($0, into: &entries) }
            parser.finish(into: &entries)
            #expect(entries.count + parser.skipped <= bytes.filter { $0 == 0x0A }.count + 1)
        }
    }
}
