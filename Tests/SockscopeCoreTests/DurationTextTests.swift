import Testing
@testable import SockscopeCore

/// One way to write durations and timers, wherever they appear.
struct DurationTextTests {
    @Test func shortAndTimers() {
        #expect(DurationText.short(0.000045) == "45µs")
        #expect(DurationText.short(0.0051) == "5.1ms")
        #expect(DurationText.short(0.2) == "200ms")
        #expect(DurationText.short(59.35) == "59.3s")
        #expect(DurationText.short(31.2 - 6.9) == "24.3s")
        #expect(DurationText.short(7199.9) == "7199s")
        #expect(DurationText.short(-1) == "0µs" && DurationText.short(.nan) == "?")
        #expect(DurationText.timer(.timeWait, seconds: 59.3) == "timewait 59.3s")
        #expect(DurationText.timer(.retransmit, seconds: 0.2) == "on 200ms")
        #expect(DurationText.milliseconds(0.000012) == "0.012" && DurationText.milliseconds(1.534) == "1534.000")
    }

    /// An orphaned FIN_WAIT2 waits out tcp_fin_timeout on whichever timer holds it: one name.
    @Test func finWait2sTimerIsFinTimeout() {
        let ends = (SocketEndpoint(address: IPAddress(ipv4: 0x7F00_0001), port: 40001), SocketEndpoint(address: IPAddress(ipv4: 0x7F00_0002), port: 80))
        for timer in [SocketEntry.Timer.keepalive, .timeWait] {
            let entry = SocketEntry(proto: .tcp, local: ends.0, remote: ends.1, stateCode: TCPState.finWait2.rawValue, timer: timer)
            #expect(DurationText.timer(of: entry, seconds: 57.6) == "fin_timeout 57.6s")
        }
        let waiting = SocketEntry(proto: .tcp, local: ends.0, remote: ends.1, stateCode: TCPState.timeWait.rawValue, timer: .timeWait)
        #expect(DurationText.timer(of: waiting, seconds: 58.4) == "timewait 58.4s")
        let kept = SocketEntry(proto: .tcp, local: ends.0, remote: ends.1, stateCode: TCPState.established.rawValue, timer: .keepalive)
        #expect(DurationText.timer(of: kept, seconds: 7199) == "keepalive 7199s")
    }
}
