import Testing
import TestSupport
@testable import SockscopeCore

/// The binary trace: a ring-buffer page captured from this kernel (Fixtures/capture-trace.sh)
/// holding an IPv4 and an IPv6 loopback session, decoded with the kernel's own format files.
struct TracePageTests {
    static var layout: TraceLayout? {
        TraceLayout(headerPage: fixture("trace-header-page.txt"), eventFormat: fixture("trace-format.txt"))
    }

    static func decode(_ page: [UInt8]) -> ([TraceEvent], TracePage.Summary) {
        var events: [TraceEvent] = []
        let summary = page.withUnsafeBytes { raw in
            layout.map { TracePage.decode(raw, layout: $0, into: &events) } ?? TracePage.Summary()
        }
        return (events, summary)
    }

    @Test func decodesThePageThisKernelWrote() throws {
        let (events, summary) = Self.decode(fixtureBytes("trace-page.bin"))
        #expect(!summary.malformed && !summary.missedBefore)
        // Two sessions, twelve events each: listener open and close, five per end between.
        #expect(events.count == 24 && summary.events == 24)
        let v4 = events.prefix(12), v6 = events.suffix(12)
        #expect(v4.allSatisfy { !$0.ipv6 } && v6.allSatisfy { $0.ipv6 })
        #expect(v4.first?.from == .close && v4.first?.to == .listen && v4.first?.remote.port == 0)
        // The connecting socket: no port at first, then the same socket with its port.
        let connect = try #require(v4.first { $0.to == .synSent })
        #expect(connect.local.port == 0)
        let established = try #require(v4.first { $0.from == .synSent })
        #expect(established.socket == connect.socket && established.local.port != 0)
        #expect(established.local.description.hasPrefix("127.0.0.1:"))
        #expect(v6.first { $0.from == .synSent }?.remote.description.hasPrefix("[::1]:") == true)
        // Nanosecond times on the monotonic clock, in order.
        #expect(zip(events, events.dropFirst()).allSatisfy { $0.time <= $1.time })
        #expect(events.last!.time - events.first!.time < 1)
    }

    /// A page cut short at every length, or filled with garbage: never a crash, and what it
    /// cannot hold is called malformed rather than invented.
    @Test func truncatedAndGarbagePagesAreSafe() {
        let page = fixtureBytes("trace-page.bin")
        for length in 0..<256 { _ = Self.decode(Array(page.prefix(length))) }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var garbage = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
            garbage[8...15] = [0x10, 0, 0, 0, 0, 0, 0, 0]  // a commit that claims 4 KiB minus the header
            _ = Self.decode(garbage)
        }
        var lying = page
        lying[8...11] = [0xFF, 0xFF, 0, 0]  // more data than the page holds
        #expect(Self.decode(lying).1.malformed)
    }

    @Test func aKernelThatMovedAFieldIsRefused() {
        let moved = fixture("trace-format.txt").replacingSize(of: "skaddr", with: "4")
        #expect(TraceLayout(headerPage: fixture("trace-header-page.txt"), eventFormat: moved) == nil)
        #expect(Self.layout != nil)
    }

    @Test func parsesAddressText() {
        #expect(IPAddress(text: "::ffff:127.0.0.1")?.description == "::ffff:127.0.0.1")
        #expect(IPAddress(text: "2001:db8::1")?.description == "2001:db8::1")
        #expect(IPAddress(text: "::")?.isUnspecified == true)
        #expect(IPAddress(text: "1:2:3:4:5:6:7:8:9") == nil && IPAddress(text: "1::2::3") == nil && IPAddress(text: "256.0.0.1") == nil)
    }
}
