import Testing
import TestSupport
@testable import SockscopeCore

struct TraceDurationsTests {
    @Test func connectBeforeThePortIsBound() {
        var durations = TraceDurations()
        #expect(durations.duration(of: traceEvent(1.0, socket: 7, 0, 80, .close, .synSent)) == nil)
        #expect(durations.duration(of: traceEvent(1.5, socket: 7, 5000, 80, .synSent, .established)) == 0.5)
        #expect(durations.duration(of: traceEvent(3.5, socket: 7, 5000, 80, .established, .finWait1)) == 2.0)
    }

    @Test func childSocketsBirthHasNoDuration() {
        var durations = TraceDurations()
        #expect(durations.duration(of: traceEvent(1.0, socket: 1, 80, 0, .close, .listen)) == nil)
        #expect(durations.duration(of: traceEvent(2.0, socket: 2, 80, 5000, .listen, .synRecv)) == nil)
        #expect(durations.duration(of: traceEvent(2.25, socket: 2, 80, 5000, .synRecv, .established)) == 0.25)
        #expect(durations.duration(of: traceEvent(9.0, socket: 1, 80, 0, .listen, .close)) == 8.0)
    }

    /// Two connects to the same peer at once are told apart by socket, not by guessing.
    @Test func concurrentConnectsToOnePeerKeepTheirOwnTimes() {
        var durations = TraceDurations()
        _ = durations.duration(of: traceEvent(1.0, socket: 1, 0, 80, .close, .synSent))
        _ = durations.duration(of: traceEvent(2.0, socket: 2, 0, 80, .close, .synSent))
        #expect(durations.duration(of: traceEvent(2.5, socket: 2, 6000, 80, .synSent, .established)) == 0.5)
        #expect(durations.duration(of: traceEvent(4.0, socket: 1, 5000, 80, .synSent, .established)) == 3.0)
    }

    /// A socket's close() and the last ACK that frees it, read out of order (two CPUs' buffers,
    /// read at their own pace): each still gets its time in the state it left.
    @Test func eventsReadOutOfOrderKeepTheirDurations() {
        var durations = TraceDurations()
        #expect(durations.duration(of: traceEvent(1.0, socket: 3, 80, 5000, .listen, .synRecv)) == nil)
        #expect(durations.duration(of: traceEvent(1.25, socket: 3, 80, 5000, .synRecv, .established)) == 0.25)
        #expect(durations.duration(of: traceEvent(2.0, socket: 3, 80, 5000, .established, .closeWait)) == 0.75)
        // LAST_ACK → CLOSE (t 3.5) is read before CLOSE_WAIT → LAST_ACK (t 3.0).
        #expect(durations.duration(of: traceEvent(3.5, socket: 3, 80, 5000, .lastAck, .close)) == 1.5)
        #expect(durations.duration(of: traceEvent(3.0, socket: 3, 80, 5000, .closeWait, .lastAck)) == 1.0)
        // A new life at the same address starts afresh.
        #expect(durations.duration(of: traceEvent(9.0, socket: 3, 0, 80, .close, .synSent)) == nil)
        #expect(durations.duration(of: traceEvent(9.5, socket: 3, 6000, 80, .synSent, .established)) == 0.5)
    }
}
