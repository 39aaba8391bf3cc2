import Testing
import TestSupport
@testable import SockscopeCore

/// Which sockets are ours: looked up, destroyed here, or another namespace's after a while.
struct NamespaceSieveTests {
    @Test func aSocketFoundInOurTableIsOursFromItsFirstEvent() {
        var sieve = NamespaceSieve(patience: 1)
        sieve.add([traceEvent(1.0, socket: 9, 0, 80, .close, .synSent), traceEvent(1.1, socket: 9, 5000, 80, .synSent, .established)], at: 1.0)
        let wanted = sieve.wanted()
        #expect(wanted.count == 1 && wanted[0].tuple.local.port == 5000)
        #expect(sieve.release(now: 1.2).isEmpty)  // not judged yet
        sieve.lookedUp(wanted[0].life, found: true)
        #expect(sieve.release(now: 1.2).map(\.to) == [.synSent, .established])
        // Later events of the same life need no second lookup.
        sieve.add([traceEvent(5.0, socket: 9, 5000, 80, .established, .finWait1)], at: 5.0)
        #expect(sieve.wanted().isEmpty)
        #expect(sieve.release(now: 5.0).map(\.to) == [.finWait1])
    }

    @Test func aShortLivedSocketIsOursByItsDestroyNotice() {
        var sieve = NamespaceSieve(patience: 1)
        let events = [traceEvent(1.0, socket: 3, 0, 80, .close, .synSent), traceEvent(1.1, socket: 3, 5001, 80, .synSent, .established),
                      traceEvent(1.2, socket: 3, 5001, 80, .established, .close)]
        sieve.add(events, at: 1.2)
        for (life, _) in sieve.wanted() { sieve.lookedUp(life, found: false) }  // already gone
        #expect(sieve.release(now: 1.3).isEmpty)
        let lo = IPAddress(bytes: [127, 0, 0, 1])
        sieve.destroyed(.init(proto: .tcp, local: .init(address: lo, port: 5001), remote: .init(address: lo, port: 80)), at: 1.3)
        #expect(sieve.release(now: 1.3) == events)
    }

    /// A notice that comes before the events (they are read from another descriptor) counts too.
    @Test func aDestroyNoticeBeforeTheEventsCounts() {
        var sieve = NamespaceSieve(patience: 1)
        let lo = IPAddress(bytes: [127, 0, 0, 1])
        sieve.destroyed(.init(proto: .tcp, local: .init(address: lo, port: 5002), remote: .init(address: lo, port: 80)), at: 0.9)
        sieve.add([traceEvent(1.0, socket: 4, 5002, 80, .established, .close)], at: 1.0)
        #expect(sieve.release(now: 1.0).count == 1)
    }

    @Test func anotherNamespacesSocketIsDroppedAfterPatience() {
        var sieve = NamespaceSieve(patience: 1)
        sieve.add([traceEvent(1.0, socket: 5, 7000, 80, .synSent, .established), traceEvent(1.0, socket: 6, 7001, 80, .synSent, .established)], at: 1.0)
        for (life, tuple) in sieve.wanted() { sieve.lookedUp(life, found: tuple.local.port == 7001) }
        // Ours is not held back by the one still waiting.
        #expect(sieve.release(now: 1.1).map(\.local.port) == [7001])
        #expect(sieve.release(now: 1.9).isEmpty)
        #expect(sieve.release(now: 2.1).isEmpty && sieve.dropped == 1)
    }

    /// A reader that fell behind reads events long after they happened: patience counts from
    /// the reading, so a destroy notice read a moment later still makes them ours.
    @Test func aLateReaderStillPlacesOldEvents() {
        var sieve = NamespaceSieve(patience: 1)
        sieve.add([traceEvent(1.0, socket: 11, 7300, 80, .established, .close)], at: 10.0)
        for (life, _) in sieve.wanted() { sieve.lookedUp(life, found: false) }
        #expect(sieve.release(now: 10.0).isEmpty && sieve.dropped == 0)
        let lo = IPAddress(bytes: [127, 0, 0, 1])
        sieve.destroyed(.init(proto: .tcp, local: .init(address: lo, port: 7300), remote: .init(address: lo, port: 80)), at: 10.2)
        #expect(sieve.release(now: 10.2).count == 1)
    }

    /// A life judged ours stays ours until it ends, however long its next event takes (a reader
    /// that falls behind reads a socket's last events after its destroy notice is old).
    @Test func oursIsRememberedUntilTheEnd() {
        var sieve = NamespaceSieve(patience: 1)
        sieve.add([traceEvent(1.0, socket: 12, 7400, 80, .synSent, .established)], at: 1.0)
        for (life, _) in sieve.wanted() { sieve.lookedUp(life, found: true) }
        #expect(sieve.release(now: 1.0).count == 1)
        _ = sieve.release(now: 30)
        sieve.add([traceEvent(31, socket: 12, 7400, 80, .established, .finWait1), traceEvent(31, socket: 12, 7400, 80, .finWait2, .close)], at: 31)
        #expect(sieve.wanted().isEmpty)
        #expect(sieve.release(now: 31).count == 2)
    }

    /// A destroy notice read seconds before its socket's events (the reader was behind) counts.
    @Test func aNoticeIsRememberedForAWhile() {
        var sieve = NamespaceSieve(patience: 1)
        let lo = IPAddress(bytes: [127, 0, 0, 1])
        sieve.destroyed(.init(proto: .tcp, local: .init(address: lo, port: 7500), remote: .init(address: lo, port: 80)), at: 1.0)
        _ = sieve.release(now: 5)
        sieve.add([traceEvent(0.9, socket: 13, 7500, 80, .lastAck, .close)], at: 6)
        #expect(sieve.release(now: 6).count == 1)
    }

    /// A socket's first event read after its last (each CPU has its own buffer): it belongs to
    /// the life that ended after it, whether that life is still remembered or just settled.
    @Test func aLateFirstEventJoinsItsLife() {
        var sieve = NamespaceSieve(patience: 10)
        sieve.add([traceEvent(1.1, socket: 30, 7700, 80, .synSent, .established), traceEvent(1.3, socket: 30, 7700, 80, .lastAck, .close)], at: 2)
        for (life, _) in sieve.wanted() { sieve.lookedUp(life, found: true) }
        sieve.add([traceEvent(1.0, socket: 30, 0, 80, .close, .synSent)], at: 2.1)
        #expect(sieve.release(now: 2.1).map(\.to) == [.established, .close, .synSent])
        // A new socket at the same address, later than the end: a new life.
        sieve.add([traceEvent(5.0, socket: 30, 0, 81, .close, .synSent)], at: 5.0)
        #expect(sieve.release(now: 5.0).isEmpty)
    }

    /// Notices come from kernel workqueues that lag seconds behind on a busy machine: within the
    /// patience a socket is still placed, however far behind its notice is.
    @Test func aNoticeSecondsLateStillPlacesItsSocket() {
        var sieve = NamespaceSieve(patience: 10)
        let lo = IPAddress(bytes: [127, 0, 0, 1])
        sieve.add([traceEvent(1.0, socket: 50, 7900, 80, .lastAck, .close)], at: 1.0)
        for (life, _) in sieve.wanted() { sieve.lookedUp(life, found: false) }
        sieve.add([traceEvent(2.0, socket: 51, 7901, 80, .lastAck, .close)], at: 2.0)
        sieve.destroyed(.init(proto: .tcp, local: .init(address: lo, port: 7901), remote: .init(address: lo, port: 80)), at: 6.0)
        #expect(sieve.release(now: 6.0).map(\.local.port) == [7901])
        sieve.destroyed(.init(proto: .tcp, local: .init(address: lo, port: 7900), remote: .init(address: lo, port: 80)), at: 8.0)
        #expect(sieve.release(now: 8.0).map(\.local.port) == [7900] && sieve.dropped == 0)
    }

    /// A connecting socket's later events read before its SYN_SENT → ESTABLISHED (another CPU):
    /// its first event still finds it.
    @Test func aBirthFindsItsLifeWhateverCameFirst() {
        var sieve = NamespaceSieve(patience: 1)
        sieve.add([traceEvent(1.3, socket: 70, 8100, 80, .established, .closeWait, cpu: 1)], at: 2.0)
        sieve.add([traceEvent(1.0, socket: 70, 0, 80, .close, .synSent), traceEvent(1.1, socket: 70, 8100, 80, .synSent, .established)],
                  at: 2.1)
        for (life, _) in sieve.wanted() { sieve.lookedUp(life, found: true) }
        #expect(sieve.release(now: 2.1).map(\.to) == [.closeWait, .synSent, .established])
        #expect(sieve.release(now: 4.0).isEmpty && sieve.dropped == 0)
    }

    /// One socket address serves a socket of another namespace and then one of ours (all
    /// namespaces share the memory), and another CPU's events are read late: each life is judged
    /// by its own tuple, never by the other's.
    @Test func anAddressSharedAcrossNamespacesKeepsTwoLives() {
        var sieve = NamespaceSieve(patience: 1)
        let lo = IPAddress(bytes: [127, 0, 0, 1])
        // Theirs at address 60 (read first), then ours at the same address, recorded earlier.
        sieve.add([traceEvent(2.0, socket: 60, 9000, 90, .synSent, .established), traceEvent(2.1, socket: 60, 9000, 90, .lastAck, .close)], at: 3.0)
        sieve.add([traceEvent(1.0, socket: 60, 0, 80, .close, .synSent), traceEvent(1.1, socket: 60, 8000, 80, .synSent, .established),
                   traceEvent(1.2, socket: 60, 8000, 80, .lastAck, .close)], at: 3.0)
        for (life, _) in sieve.wanted() { sieve.lookedUp(life, found: false) }
        sieve.destroyed(.init(proto: .tcp, local: .init(address: lo, port: 8000), remote: .init(address: lo, port: 80)), at: 3.0)
        #expect(sieve.release(now: 3.0).map(\.to) == [.synSent, .established, .close])
        #expect(sieve.release(now: 4.5).isEmpty && sieve.dropped == 2)
    }

    /// A freed socket's address is reused for a new socket: a new life, judged on its own.
    @Test func aReusedSocketAddressStartsANewLife() {
        var sieve = NamespaceSieve(patience: 1)
        sieve.add([traceEvent(1.0, socket: 8, 7100, 80, .established, .close)], at: 1.0)
        for (life, _) in sieve.wanted() { sieve.lookedUp(life, found: true) }
        #expect(sieve.release(now: 1.0).count == 1)
        sieve.add([traceEvent(1.5, socket: 8, 7200, 81, .synSent, .established)], at: 1.5)
        let wanted = sieve.wanted()
        #expect(wanted.count == 1 && wanted[0].tuple.local.port == 7200)
        sieve.lookedUp(wanted[0].life, found: false)
        #expect(sieve.release(now: 3.0).isEmpty && sieve.dropped == 1)
    }
}
