import Testing
@testable import SockscopeCore

/// The active close's ending, as the tracepoint and the tables each see a part of it, made one.
struct TransitionFusionTests {
    static let near = SocketEndpoint(address: IPAddress(ipv4: 0x7F00_0001), port: 40000)
    static let far = SocketEndpoint(address: IPAddress(ipv4: 0x7F00_0001), port: 8080)

    static func entry(_ state: TCPState, timewait: Bool = false) -> SocketEntry {
        SocketEntry(proto: .tcp, local: near, remote: far, stateCode: state.rawValue, timer: timewait ? .timeWait : .none,
                    inode: timewait ? 0 : 99)
    }

    static func traced(_ from: TCPState, _ to: TCPState, at time: Double) -> Transition {
        Transition(time: time, entry: entry(to), from: .tcp(from), to: .tcp(to), duration: 0.001, source: .tracefs)
    }

    /// What the differ reports when a timewait socket appears, changes or vanishes.
    static func table(_ from: TCPState, _ to: TCPState, timewait: TCPState, at time: Double) -> Transition {
        Transition(time: time, entry: entry(timewait, timewait: true), from: .tcp(from), to: .tcp(to), duration: nil)
    }

    static func pairs(_ transitions: [Transition]) -> [String] {
        transitions.map { "\($0.from?.name ?? "-")>\($0.to?.name ?? "-")" }
    }

    @Test func oneArrowIntoTimeWait() {
        var fusion = TransitionFusion()
        #expect(fusion.traced(Self.traced(.finWait1, .finWait2, at: 1)).count == 1)
        #expect(fusion.traced(Self.traced(.finWait2, .close, at: 2)).isEmpty)
        let timewait = Self.table(.close, .timeWait, timewait: .timeWait, at: 2.1)
        let out = fusion.tables([timewait], reading: [timewait.entry], tracing: true, at: 2.1)
        #expect(Self.pairs(out) == ["FIN_WAIT2>TIME_WAIT"])
        #expect(out.first?.time == 2 && out.first?.duration == 0.001 && out.first?.source == .tracefs)
        #expect(out.first?.explanation.contains("Linux hands the connection to a small timewait socket") == true)
        #expect(fusion.tables([], reading: [], tracing: true, at: 100).isEmpty)
    }

    /// The reading that showed the timewait socket came before the tracepoint's record was read.
    @Test func timewaitSeenFirst() {
        var fusion = TransitionFusion()
        #expect(fusion.tables([Self.table(.close, .timeWait, timewait: .timeWait, at: 1)], reading: [], tracing: true, at: 1).isEmpty)
        #expect(Self.pairs(fusion.traced(Self.traced(.closing, .close, at: 0.9))) == ["CLOSING>TIME_WAIT"])
        #expect(fusion.tables([], reading: [], tracing: true, at: 1.1).isEmpty && fusion.tables([], reading: [], tracing: true, at: 100).isEmpty)
    }

    /// A full socket the tables had caught in FIN_WAIT2: still one arrow.
    @Test func fullSocketSeenBefore() {
        var fusion = TransitionFusion()
        #expect(fusion.traced(Self.traced(.finWait2, .close, at: 5)).isEmpty)
        let out = fusion.tables([Self.table(.finWait2, .timeWait, timewait: .timeWait, at: 5.1)], reading: [], tracing: true, at: 100)
        #expect(Self.pairs(out) == ["FIN_WAIT2>TIME_WAIT"] && out.first?.source == .tracefs)
    }

    /// No timewait socket in the next reading: the connection really closed (a RST, a timeout).
    @Test func aRealClose() {
        var fusion = TransitionFusion()
        #expect(fusion.traced(Self.traced(.finWait1, .close, at: 1)).isEmpty)
        // One reading may miss a socket (a dump of a changing table): the second decides.
        #expect(fusion.tables([], reading: [], tracing: true, at: 1.1).isEmpty)
        let out = fusion.tables([], reading: [], tracing: true, at: 1.2)
        #expect(Self.pairs(out) == ["FIN_WAIT1>CLOSE"])
        #expect(out.first?.explanation.contains("without TIME_WAIT") == true)
        #expect(out.first?.explanation.contains("FIN and ACK arrived together") == false)
    }

    /// close() after shutdown(): the same state set again, said as such; the orphan goes on in a
    /// timewait socket (no arrow), and its expiry is what the tables show at the end.
    @Test func anOrphanedFinWait2() {
        var fusion = TransitionFusion()
        let again = fusion.traced(Self.traced(.finWait2, .finWait2, at: 1))
        #expect(Self.pairs(again) == ["FIN_WAIT2>FIN_WAIT2"])
        #expect(again.first?.explanation.contains("called close()") == true)
        #expect(fusion.traced(Self.traced(.finWait2, .close, at: 1)).isEmpty)
        #expect(fusion.tables([Self.table(.close, .finWait2, timewait: .finWait2, at: 1.1)], reading: [], tracing: true, at: 100).isEmpty)
        let expiry = fusion.tables([Self.table(.finWait2, .close, timewait: .finWait2, at: 61)], reading: [], tracing: true, at: 100)
        #expect(Self.pairs(expiry) == ["FIN_WAIT2>CLOSE"])
        #expect(expiry.first?.explanation.contains("orphaned FIN_WAIT2 timed out") == true)
        #expect(expiry.first?.explanation.contains("CLOSE_WAIT") == true)
    }

    /// The tables had seen the full socket in FIN_WAIT2: its timewait socket in FIN_WAIT2 is no
    /// change to the differ, but the reading holds it — the ending is the orphan's handoff.
    @Test func anOrphanTheTablesSawBefore() {
        var fusion = TransitionFusion()
        _ = fusion.traced(Self.traced(.finWait2, .finWait2, at: 1))
        #expect(fusion.traced(Self.traced(.finWait2, .close, at: 1)).isEmpty)
        #expect(fusion.tables([], reading: [Self.entry(.finWait2, timewait: true)], tracing: true, at: 1.1).isEmpty)
        let expiry = fusion.tables([Self.table(.finWait2, .close, timewait: .finWait2, at: 3)], reading: [], tracing: true, at: 3)
        #expect(Self.pairs(expiry) == ["FIN_WAIT2>CLOSE"])
    }

    /// The orphan hears the peer's FIN at last: its own FIN_WAIT2 → TIME_WAIT, from the tables.
    @Test func anOrphanHearsTheFIN() {
        var fusion = TransitionFusion()
        _ = fusion.traced(Self.traced(.finWait2, .close, at: 1))
        _ = fusion.tables([Self.table(.close, .finWait2, timewait: .finWait2, at: 1.1)], reading: [], tracing: true, at: 100)
        let out = fusion.tables([Self.table(.finWait2, .timeWait, timewait: .timeWait, at: 3)], reading: [], tracing: true, at: 100)
        #expect(Self.pairs(out) == ["FIN_WAIT2>TIME_WAIT"] && out.first?.source == .proc)
        #expect(Self.pairs(fusion.tables([Self.table(.timeWait, .close, timewait: .timeWait, at: 63)], reading: [], tracing: true, at: 100))
            == ["TIME_WAIT>CLOSE"])
    }

    /// Without the tracepoint, TIME_WAIT appears from nowhere the tables saw: never from CLOSE.
    @Test func withoutTracing() {
        var fusion = TransitionFusion()
        let out = fusion.tables([Self.table(.close, .timeWait, timewait: .timeWait, at: 1),
                                 Transition(time: 1, entry: Self.entry(.established), from: .tcp(.close), to: .tcp(.established), duration: nil)],
                                reading: [], tracing: false, at: 1)
        #expect(Self.pairs(out) == ["->TIME_WAIT", "CLOSE>ESTABLISHED"])
        #expect(out.first?.explanation.hasPrefix("appeared in TIME_WAIT") == true)
        #expect(out.first?.line(clock: "T").contains("- -> TIME_WAIT") == true)
    }

    /// A dial's SYN_SENT comes before connect() picks the local port: the line writes it `*`
    /// (as ss does), not a port 0 a class reads as a bug; JSON keeps what the kernel said.
    @Test func aDialsPortNotYetChosenIsAStar() {
        let client = SocketEndpoint(address: IPAddress(ipv4: 0x7F00_0001), port: 0)
        let server = SocketEndpoint(address: IPAddress(ipv4: 0x7F00_0001), port: 7800)
        let entry = SocketEntry(proto: .tcp, local: client, remote: server, stateCode: TCPState.synSent.rawValue)
        let dial = Transition(time: 1, entry: entry, from: .tcp(.close), to: .tcp(.synSent), duration: nil)
        #expect(dial.line(clock: "T") == "T tcp 127.0.0.1:* 127.0.0.1:7800 CLOSE -> SYN_SENT (? ms) ebpf"
                || dial.line(clock: "T").hasPrefix("T tcp 127.0.0.1:* 127.0.0.1:7800 CLOSE -> SYN_SENT"), "\(dial.line(clock: "T"))")
        #expect(dial.json(wallTime: 1, owner: nil).text.contains("\"local\":\"127.0.0.1:0\""))
        // A listener's own port 0 (none here) or any other state keeps its number.
        let closed = Transition(time: 1, entry: entry, from: .tcp(.synSent), to: .tcp(.close), duration: nil)
        #expect(closed.line(clock: "T").hasPrefix("T tcp 127.0.0.1:0 "))
    }

    /// With the tracepoint, a timewait socket whose ending it never reported shows after its
    /// patience; a record read after that adds no second arrow.
    @Test func anUnreportedHandoff() {
        var fusion = TransitionFusion()
        #expect(fusion.tables([Self.table(.close, .timeWait, timewait: .timeWait, at: 1)], reading: [], tracing: true, at: 1).isEmpty)
        #expect(fusion.tables([], reading: [], tracing: true, at: 1 + TransitionFusion.tracefsPatience / 2).isEmpty)
        #expect(Self.pairs(fusion.tables([], reading: [], tracing: true, at: 1 + TransitionFusion.tracefsPatience)) == ["->TIME_WAIT"])
        #expect(fusion.traced(Self.traced(.finWait2, .close, at: 0.9)).isEmpty)
        #expect(fusion.tables([], reading: [], tracing: true, at: 20).isEmpty)
    }

    /// The tracepoint told FIN_WAIT1, then nothing, and the tables show the timewait socket: two
    /// transitions it never reported (FIN_WAIT1 → FIN_WAIT2 → CLOSE). After the patience the
    /// connection is told from FIN_WAIT1 and the two are counted missed — never silence.
    @Test func aTimewaitAfterATracedFinWait1CountsTwoMissed() {
        var fusion = TransitionFusion(patience: TransitionFusion.ebpfPatience)
        #expect(fusion.traced(Self.traced(.established, .finWait1, at: 1)).count == 1)
        #expect(fusion.tables([Self.table(.close, .timeWait, timewait: .timeWait, at: 1.1)], reading: [], tracing: true, at: 1.1).isEmpty)
        #expect(fusion.tables([], reading: [], tracing: true, at: 5).isEmpty)
        #expect(fusion.takeMissed() == 0)
        let out = fusion.tables([], reading: [], tracing: true, at: 1.1 + TransitionFusion.ebpfPatience)
        #expect(Self.pairs(out) == ["FIN_WAIT1>TIME_WAIT"])
        #expect(out.first?.source == .proc)
        #expect(fusion.takeMissed() == 2)
        #expect(fusion.takeMissed() == 0)
    }

    /// The same proof at the end of a stream, and for an orphan last traced in FIN_WAIT2 whose
    /// timewait socket is still in FIN_WAIT2: no arrow, one missed close.
    @Test func atTheEndTheUnreportedAreCounted() {
        var fusion = TransitionFusion(patience: TransitionFusion.ebpfPatience)
        _ = fusion.traced(Self.traced(.finWait1, .finWait2, at: 1))
        #expect(fusion.tables([Self.table(.close, .finWait2, timewait: .finWait2, at: 1.1)], reading: [], tracing: true, at: 1.1).isEmpty)
        #expect(fusion.unmatchedTimewaits().isEmpty)
        #expect(fusion.takeMissed() == 1)
    }

    /// A late record is not a missed one: the ending read within the patience fuses as always.
    @Test func aLateEndingIsNotMissed() {
        var fusion = TransitionFusion(patience: TransitionFusion.ebpfPatience)
        _ = fusion.traced(Self.traced(.established, .finWait1, at: 1))
        _ = fusion.tables([Self.table(.close, .timeWait, timewait: .timeWait, at: 1.1)], reading: [], tracing: true, at: 1.1)
        _ = fusion.traced(Self.traced(.finWait1, .finWait2, at: 1.01))
        #expect(Self.pairs(fusion.traced(Self.traced(.finWait2, .close, at: 1.02))) == ["FIN_WAIT2>TIME_WAIT"])
        #expect(fusion.unmatchedTimewaits().isEmpty)
        #expect(fusion.takeMissed() == 0)
    }

    /// A LAST_ACK socket the tables saw vanish with no traced close: told LAST_ACK → CLOSE from
    /// the tables after the patience, one missed; a close read in time is the trace's own.
    @Test func aVanishedLastAckWithoutItsClose() {
        var fusion = TransitionFusion(patience: TransitionFusion.ebpfPatience)
        _ = fusion.traced(Self.traced(.closeWait, .lastAck, at: 1))
        let gone = Transition(time: 1.2, entry: Self.entry(.lastAck), from: .tcp(.lastAck), to: .tcp(.close), duration: nil)
        #expect(fusion.tables([gone], reading: [], tracing: true, at: 1.2).isEmpty)
        let out = fusion.tables([], reading: [], tracing: true, at: 1.2 + TransitionFusion.ebpfPatience)
        #expect(Self.pairs(out) == ["LAST_ACK>CLOSE"] && out.first?.source == .proc)
        #expect(fusion.takeMissed() == 1)

        var onTime = TransitionFusion(patience: TransitionFusion.ebpfPatience)
        _ = onTime.traced(Self.traced(.closeWait, .lastAck, at: 1))
        _ = onTime.tables([gone], reading: [], tracing: true, at: 1.2)
        #expect(Self.pairs(onTime.traced(Self.traced(.lastAck, .close, at: 1.1))) == ["LAST_ACK>CLOSE"])
        #expect(onTime.tables([], reading: [], tracing: true, at: 100).isEmpty && onTime.unmatchedTimewaits().isEmpty)
        #expect(onTime.takeMissed() == 0)
    }

    /// A new connection on the same ports took the timewait socket over before a reading saw it:
    /// the ending still went to TIME_WAIT.
    @Test func aTimewaitTakenOverByANewConnection() {
        var fusion = TransitionFusion()
        #expect(fusion.traced(Self.traced(.finWait2, .close, at: 1)).isEmpty)
        let out = fusion.tables([], reading: [Self.entry(.synRecv)], tracing: true, at: 1.1)
        #expect(Self.pairs(out) == ["FIN_WAIT2>TIME_WAIT"])
    }

    /// A reader far behind: the record of a handoff comes long after its timewait socket was
    /// read, and still makes one arrow; one never matched is shown when its socket vanishes.
    @Test func aLateRecordStillFuses() {
        var fusion = TransitionFusion()
        let timewait = Self.table(.close, .timeWait, timewait: .timeWait, at: 1)
        #expect(fusion.tables([timewait], reading: [timewait.entry], tracing: true, at: 1).isEmpty)
        #expect(fusion.tables([], reading: [timewait.entry], tracing: true, at: 40).isEmpty)
        #expect(Self.pairs(fusion.traced(Self.traced(.finWait2, .close, at: 0.9))) == ["FIN_WAIT2>TIME_WAIT"])
        let other = Transition(time: 2, entry: Self.entry(.timeWait, timewait: true), from: .tcp(.close), to: .tcp(.timeWait),
                               duration: nil)
        var second = TransitionFusion()
        _ = second.tables([other], reading: [], tracing: true, at: 2)
        let vanished = second.tables([Self.table(.timeWait, .close, timewait: .timeWait, at: 62)], reading: [], tracing: true, at: 62)
        #expect(Self.pairs(vanished) == ["->TIME_WAIT", "TIME_WAIT>CLOSE"])
    }

    /// A client port used again within a burst, before a reading settled the first ending: the
    /// new connection's birth tells the held ending (taken over: TIME_WAIT), and its own ending
    /// is held in turn — two connections, two endings, none replaced in silence (a burst of
    /// 8,000 under load lost one this way).
    @Test func aFourTupleUsedAgainBeforeAReading() {
        var fusion = TransitionFusion()
        #expect(fusion.traced(Self.traced(.finWait2, .close, at: 1)).isEmpty)
        let birth = Transition(time: 1.2, entry: Self.entry(.synRecv), from: .tcp(.listen), to: .tcp(.synRecv), duration: nil,
                               source: .ebpf)
        #expect(Self.pairs(fusion.traced(birth)) == ["FIN_WAIT2>TIME_WAIT", "LISTEN>SYN_RECV"])
        #expect(fusion.traced(Self.traced(.finWait2, .close, at: 1.3)).isEmpty)
        let timewait = Self.table(.close, .timeWait, timewait: .timeWait, at: 1.4)
        #expect(Self.pairs(fusion.tables([timewait], reading: [timewait.entry], tracing: true, at: 1.4)) == ["FIN_WAIT2>TIME_WAIT"])
        // Without the birth read in between, a second ending still does not replace the first.
        var unread = TransitionFusion()
        _ = unread.traced(Self.traced(.finWait2, .close, at: 1))
        #expect(Self.pairs(unread.traced(Self.traced(.finWait2, .close, at: 1.3))) == ["FIN_WAIT2>TIME_WAIT"])
        #expect(unread.heldCount == 1)
    }

    /// The same, with the newer connection's records read after the reading that shows its
    /// orphan where the older one's TIME_WAIT was: no "TIME_WAIT → FIN_WAIT2", the newer
    /// ending fused with that orphan (no arrow), and its own FIN_WAIT2 → TIME_WAIT told.
    @Test func aNewerOrphanSeenBeforeItsRecords() {
        var fusion = TransitionFusion()
        _ = fusion.traced(Self.traced(.finWait2, .close, at: 1))
        let first = Self.table(.close, .timeWait, timewait: .timeWait, at: 1.1)
        #expect(Self.pairs(fusion.tables([first], reading: [first.entry], tracing: true, at: 1.1)) == ["FIN_WAIT2>TIME_WAIT"])
        let orphan = Self.table(.timeWait, .finWait2, timewait: .finWait2, at: 1.5)
        #expect(fusion.tables([orphan], reading: [orphan.entry], tracing: true, at: 1.5).isEmpty)
        let birth = Transition(time: 1.4, entry: Self.entry(.synRecv), from: .tcp(.listen), to: .tcp(.synRecv), duration: nil,
                               source: .ebpf)
        #expect(Self.pairs(fusion.traced(birth)) == ["LISTEN>SYN_RECV"])
        #expect(fusion.traced(Self.traced(.finWait2, .close, at: 1.45)).isEmpty)
        let peerFin = Self.table(.finWait2, .timeWait, timewait: .timeWait, at: 1.6)
        #expect(Self.pairs(fusion.tables([peerFin], reading: [peerFin.entry], tracing: true, at: 1.6)) == ["FIN_WAIT2>TIME_WAIT"])
        #expect(fusion.unmatchedTimewaits().isEmpty && fusion.takeMissed() == 0)
    }

    /// The kernel skipped a connection's last two records (FIN_WAIT1 → FIN_WAIT2 → CLOSE) and a
    /// client port used again put a new connection on its four-tuple before any table showed the
    /// timewait socket: the birth proves the old one ended, and the two are counted missed.
    @Test func aBirthAfterAnUnreportedEndingCountsIt() {
        var fusion = TransitionFusion(patience: TransitionFusion.ebpfPatience)
        _ = fusion.traced(Self.traced(.established, .finWait1, at: 1))
        let birth = Transition(time: 1.3, entry: Self.entry(.synRecv), from: .tcp(.listen), to: .tcp(.synRecv), duration: nil,
                               source: .ebpf)
        #expect(Self.pairs(fusion.traced(birth)) == ["LISTEN>SYN_RECV"])
        #expect(fusion.takeMissed() == 2)
        // The new connection's own close, traced, is no loss.
        _ = fusion.traced(Self.traced(.synRecv, .established, at: 1.31))
        _ = fusion.traced(Self.traced(.established, .finWait1, at: 1.32))
        _ = fusion.traced(Self.traced(.finWait1, .finWait2, at: 1.33))
        _ = fusion.traced(Self.traced(.finWait2, .close, at: 1.34))
        let timewait = Self.table(.close, .timeWait, timewait: .timeWait, at: 1.4)
        #expect(Self.pairs(fusion.tables([timewait], reading: [timewait.entry], tracing: true, at: 1.4)) == ["FIN_WAIT2>TIME_WAIT"])
        #expect(fusion.unmatchedTimewaits().isEmpty && fusion.takeMissed() == 0)
        // A LAST_ACK socket seen gone, then a new connection on its tuple: its close counted once,
        // not told again from the tables.
        var client = TransitionFusion(patience: TransitionFusion.ebpfPatience)
        _ = client.traced(Self.traced(.closeWait, .lastAck, at: 1))
        let gone = Transition(time: 1.2, entry: Self.entry(.lastAck), from: .tcp(.lastAck), to: .tcp(.close), duration: nil)
        _ = client.tables([gone], reading: [], tracing: true, at: 1.2)
        let dial = Transition(time: 1.3, entry: Self.entry(.synSent), from: .tcp(.close), to: .tcp(.synSent), duration: nil, source: .ebpf)
        #expect(Self.pairs(client.traced(dial)) == ["CLOSE>SYN_SENT"] && client.takeMissed() == 1)
        #expect(client.tables([], reading: [], tracing: true, at: 100).isEmpty && client.unmatchedTimewaits().isEmpty)
    }

    /// The differ knows four-tuples, not sockets: after a port used again, it reports the newer
    /// connection's orphan (FIN_WAIT2) where the older one's TIME_WAIT was. The newer one was
    /// told already (its ending looked up in FIN_WAIT2: no arrow); nothing goes backwards.
    @Test func noTimewaitGoesBackToFinWait2() {
        var fusion = TransitionFusion()
        _ = fusion.traced(Self.traced(.finWait2, .close, at: 1))
        #expect(Self.pairs(fusion.tables([], reading: [], tracing: true, at: 1.1, lookUp: { _ in .finWait2 })).isEmpty)
        let backwards = Self.table(.timeWait, .finWait2, timewait: .finWait2, at: 1.2)
        #expect(fusion.tables([backwards], reading: [backwards.entry], tracing: true, at: 1.2).isEmpty)
        let forwards = Self.table(.finWait2, .timeWait, timewait: .timeWait, at: 1.3)
        #expect(Self.pairs(fusion.tables([forwards], reading: [forwards.entry], tracing: true, at: 1.3)) == ["FIN_WAIT2>TIME_WAIT"])
    }

    /// A reading that missed the timewait socket (the table changed under the dump) is not
    /// taken as a real close: the next one finds it, and the arrow is one.
    @Test func aReadingThatMissedTheTimewaitSocket() {
        var fusion = TransitionFusion()
        #expect(fusion.traced(Self.traced(.finWait2, .close, at: 1)).isEmpty)
        #expect(fusion.tables([], reading: [], tracing: true, at: 1.1).isEmpty)
        let timewait = Self.table(.close, .timeWait, timewait: .timeWait, at: 1.2)
        #expect(Self.pairs(fusion.tables([timewait], reading: [timewait.entry], tracing: true, at: 1.2)) == ["FIN_WAIT2>TIME_WAIT"])
    }

    /// With an exact lookup, a held ending is settled at the first reading: the timewait socket
    /// the dump missed is found (one arrow, none again when the dump shows it), or none is.
    @Test func anExactLookupSettlesAtOnce() {
        var fusion = TransitionFusion()
        #expect(fusion.traced(Self.traced(.finWait2, .close, at: 1)).isEmpty)
        let found = fusion.tables([], reading: [], tracing: true, at: 1.1, lookUp: { _ in .timeWait })
        #expect(Self.pairs(found) == ["FIN_WAIT2>TIME_WAIT"])
        let later = Self.table(.close, .timeWait, timewait: .timeWait, at: 1.2)
        #expect(fusion.tables([later], reading: [later.entry], tracing: true, at: 1.2, lookUp: { _ in .timeWait }).isEmpty)
        var other = TransitionFusion()
        _ = other.traced(Self.traced(.finWait1, .close, at: 1))
        #expect(Self.pairs(other.tables([], reading: [], tracing: true, at: 1.1, lookUp: { _ in nil })) == ["FIN_WAIT1>CLOSE"])
    }

    /// An orphan looked up while still in FIN_WAIT2 changed nothing a learner sees (no arrow);
    /// when its peer's FIN comes before any dump showed it, the dump's first sight of it in
    /// TIME_WAIT is that step: FIN_WAIT2 → TIME_WAIT, once — never dropped as an arrival.
    @Test func anOrphanLookedUpInFinWait2StillReachesTimeWait() {
        var fusion = TransitionFusion()
        #expect(Self.pairs(fusion.traced(Self.traced(.finWait1, .finWait2, at: 1))) == ["FIN_WAIT1>FIN_WAIT2"])
        #expect(fusion.traced(Self.traced(.finWait2, .close, at: 1.01)).isEmpty)
        #expect(fusion.tables([], reading: [], tracing: true, at: 1.1, lookUp: { _ in .finWait2 }).isEmpty)
        let arrival = Self.table(.close, .timeWait, timewait: .timeWait, at: 2.1)
        let out = fusion.tables([arrival], reading: [arrival.entry], tracing: true, at: 2.1, lookUp: { _ in .timeWait })
        #expect(Self.pairs(out) == ["FIN_WAIT2>TIME_WAIT"])
        #expect(fusion.tables([], reading: [arrival.entry], tracing: true, at: 3.1, lookUp: { _ in .timeWait }).isEmpty)
    }

    /// A dump that missed a timewait socket makes the differ see it vanish and come back: the
    /// lookup finds it still there, so no expiry and no second arrival are shown.
    @Test func aMissedTimewaitSocketNeitherExpiresNorReturns() {
        var fusion = TransitionFusion()
        _ = fusion.traced(Self.traced(.finWait2, .close, at: 1))
        let timewait = Self.table(.close, .timeWait, timewait: .timeWait, at: 1.1)
        #expect(Self.pairs(fusion.tables([timewait], reading: [timewait.entry], tracing: true, at: 1.1)) == ["FIN_WAIT2>TIME_WAIT"])
        let gone = Self.table(.timeWait, .close, timewait: .timeWait, at: 1.2)
        #expect(fusion.tables([gone], reading: [], tracing: true, at: 1.2, lookUp: { _ in .timeWait }).isEmpty)
        let back = Self.table(.close, .timeWait, timewait: .timeWait, at: 1.3)
        #expect(fusion.tables([back], reading: [back.entry], tracing: true, at: 1.3, lookUp: { _ in .timeWait }).isEmpty)
        // And when it really goes, the expiry shows.
        #expect(Self.pairs(fusion.tables([Self.table(.timeWait, .close, timewait: .timeWait, at: 61)], reading: [], tracing: true,
                                         at: 61, lookUp: { _ in nil })) == ["TIME_WAIT>CLOSE"])
    }

    /// A client port used again: the second connection's ending on the same four-tuple makes
    /// its own arrow.
    @Test func aFourTupleUsedAgain() {
        var fusion = TransitionFusion()
        _ = fusion.traced(Self.traced(.finWait2, .close, at: 1))
        let first = Self.table(.close, .timeWait, timewait: .timeWait, at: 1.1)
        #expect(Self.pairs(fusion.tables([first], reading: [first.entry], tracing: true, at: 1.1)) == ["FIN_WAIT2>TIME_WAIT"])
        #expect(Self.pairs(fusion.traced(Self.traced(.synRecv, .established, at: 2))) == ["SYN_RECV>ESTABLISHED"])
        #expect(fusion.traced(Self.traced(.finWait2, .close, at: 3)).isEmpty)
        let second = Self.entry(.timeWait, timewait: true)
        #expect(Self.pairs(fusion.tables([], reading: [second], tracing: true, at: 3.1)) == ["FIN_WAIT2>TIME_WAIT"])
    }

    /// A reader behind the tables: the orphan's own records (read after its timewait socket was
    /// seen) are not a new connection, and its FIN_WAIT2 → TIME_WAIT still shows once.
    @Test func lateRecordsOfTheSameConnection() {
        var fusion = TransitionFusion()
        let orphan = Self.table(.close, .finWait2, timewait: .finWait2, at: 1)
        #expect(fusion.tables([orphan], reading: [orphan.entry], tracing: true, at: 1).isEmpty)
        #expect(Self.pairs(fusion.traced(Self.traced(.finWait1, .finWait2, at: 0.9))) == ["FIN_WAIT1>FIN_WAIT2"])
        #expect(fusion.traced(Self.traced(.finWait2, .close, at: 0.9)).isEmpty)
        let heard = Self.table(.finWait2, .timeWait, timewait: .timeWait, at: 1.5)
        #expect(Self.pairs(fusion.tables([heard], reading: [heard.entry], tracing: true, at: 1.5)) == ["FIN_WAIT2>TIME_WAIT"])
    }

    @Test func rfcNamesBesideTheKernels() {
        #expect(StateExplanations.transition(from: .listen, to: .synRecv).hasPrefix("LISTEN → SYN_RECV (SYN-RECEIVED): "))
        #expect(StateExplanations.transition(from: .lastAck, to: .close).hasPrefix("LAST_ACK → CLOSE (CLOSED): "))
    }

    /// A LAST_ACK socket the tables never caught, whose close the tracepoint skipped: once its
    /// patience is over and an exact lookup finds nothing, its close is told and counted — once.
    @Test func aLastAckGoneUnreportedIsFoundByTheLookup() {
        var fusion = TransitionFusion(patience: 10)
        #expect(Self.pairs(fusion.traced(Self.traced(.closeWait, .lastAck, at: 1))) == ["CLOSE_WAIT>LAST_ACK"])
        // Still there: nothing to say, however long.
        #expect(fusion.tables([], reading: [], tracing: true, at: 20, lookUp: { _ in .lastAck }).isEmpty)
        // Before its patience, gone or not, nothing either.
        var fresh = TransitionFusion(patience: 10)
        _ = fresh.traced(Self.traced(.closeWait, .lastAck, at: 1))
        #expect(fresh.tables([], reading: [], tracing: true, at: 5, lookUp: { _ in nil }).isEmpty)
        // Gone past its patience: told from the tables' reading, counted missed, and only once.
        let told = fusion.tables([], reading: [], tracing: true, at: 21, lookUp: { _ in nil })
        #expect(Self.pairs(told) == ["LAST_ACK>CLOSE"] && told.first?.source == .proc)
        #expect(fusion.takeMissed() == 1)
        #expect(fusion.tables([], reading: [], tracing: true, at: 22, lookUp: { _ in nil }).isEmpty)
        #expect(fusion.takeMissed() == 0)
    }
}
