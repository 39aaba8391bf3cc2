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
}
