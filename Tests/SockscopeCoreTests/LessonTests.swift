import Testing
@testable import SockscopeCore

/// The lessons as data: the nft rules the holds become, the checks against observations, the
/// counters' parser, and the catalog's own consistency.
struct LessonTests {
    let client = LabEnd.client1
    let server = LabEnd.server1

    func seen(_ flags: TCPFlags, from: LabEnd, to: LabEnd, at time: Double, length: Int = 0, dropped: Bool = false,
              markers: [SegmentMarker] = []) -> LabSegment {
        let header = TCPHeader(flags: flags, sequence: 1, acknowledgment: 1, window: 100, urgentPointer: 0, dataLength: length, options: [])
        let frame = DecodedFrame(source: from.local, destination: to.local, transport: .tcp(header))
        let segment = Segment(time: time, initiator: client.local, responder: server.local, fromInitiator: from == client,
                              frame: frame, relativeSequence: 0, relativeAcknowledgment: 0, windowShift: 0, markers: markers)
        return LabSegment(segment: segment, dropped: dropped)
    }

    @Test func holdsBecomeInputRulesThatLogWhatTheyDrop() {
        #expect(Hold(.synAck, to: client).rule(logGroup: 1)
                == "ip daddr 127.0.0.1 tcp dport 40001 tcp flags & (syn | ack) == syn | ack log group 1 drop")
        #expect(Hold(.ack, to: server).rule(logGroup: 3)
                == "ip daddr 127.0.0.2 tcp dport 80 tcp flags & (syn | fin | rst) == 0 ip length <= 80 log group 3 drop")
        #expect(Hold(.data, to: server, once: true).rule(logGroup: 1)
                == "ip daddr 127.0.0.2 tcp dport 80 tcp flags & (syn | rst) == 0 ip length > 80 limit rate 1/hour burst 1 packets log group 1 drop")
        #expect(Hold(.any, to: client).rule(logGroup: 1) == "ip daddr 127.0.0.1 tcp dport 40001 log group 1 drop")
        #expect(Hold(.data, to: server, once: true).name == "the first data to server")
    }

    @Test func aStateCheckSaysWhatItSaw() {
        var observation = LabObservation()
        observation.table = [SocketEntry(proto: .tcp, local: client.local, remote: server.local, stateCode: TCPState.synSent.rawValue,
                                         sendQueue: 0, recvQueue: 0, timer: .retransmit, timerTicks: 100, retransmits: 1, uid: 0, inode: 1)]
        #expect(Expectation.state(client, .synSent).check(observation, segments: []) == CheckResult(passed: true, text: "client is SYN_SENT"))
        #expect(Expectation.state(client, .established).check(observation, segments: [])
                == CheckResult(passed: false, text: "client is SYN_SENT (expected ESTABLISHED)"))
        observation.errors["server"] = "ECONNREFUSED"
        #expect(Expectation.state(server, .listen).check(observation, segments: []).text
                == "server has no socket (a call failed: ECONNREFUSED) (expected LISTEN)")
        #expect(Expectation.noSocket(server).check(observation, segments: []).passed)
        #expect(!Expectation.noSocket(client).check(observation, segments: []).passed)
        #expect(Expectation.timer(client, .retransmit, atLeast: 0.5).check(observation, segments: []).passed)
        #expect(!Expectation.timer(client, .timeWait, atLeast: 0.5).check(observation, segments: []).passed)
    }

    @Test func segmentsAreCountedByWhoSentThemAndWhetherTheyWereDropped() {
        let segments: ArraySlice<LabSegment> = [
            seen(.syn, from: client, to: server, at: 0),
            seen([.syn, .ack], from: server, to: client, at: 0.001, dropped: true),
            seen(.ack, from: client, to: server, at: 0.002),
            seen(.ack, from: client, to: server, at: 0.003, length: 100),
        ]
        let observation = LabObservation()
        #expect(Expectation.segments(.synAck(from: server, dropped: true), atLeast: 1).check(observation, segments: segments).passed)
        #expect(!Expectation.segments(.synAck(from: server, dropped: false), atLeast: 1).check(observation, segments: segments).passed)
        #expect(!Expectation.segments(.syn(from: server), atLeast: 1).check(observation, segments: segments).passed)
        // A bare ACK has no data; the data segment is not one.
        #expect(Expectation.segments(.ack(from: client), atLeast: 1).check(observation, segments: segments).text == "1 × bare ACK from client")
        #expect(Expectation.noSegment(.rst(from: server)).check(observation, segments: segments).passed)
        #expect(Expectation.gap(after: .syn(from: client), then: .ack(from: client), atLeast: 0.001, atMost: 0.01)
            .check(observation, segments: segments) == CheckResult(passed: true, text: "bare ACK from client 2.0ms after SYN from client"))
        #expect(!Expectation.gap(after: .syn(from: client), then: .ack(from: client), atLeast: 0.03, atMost: 0.5)
            .check(observation, segments: segments).passed)
    }

    /// Exponential backoff: each gap at least 1.5 times the one before; a tail loss probe's equal
    /// first gap is skipped when asked.
    @Test func backoffNeedsEachGapToGrow() {
        func retransmissions(_ times: [Double]) -> ArraySlice<LabSegment> {
            ArraySlice(times.map { seen(.syn, from: client, to: server, at: $0, dropped: true) })
        }
        let observation = LabObservation()
        let doubling = retransmissions([0, 1, 3, 7])
        #expect(Expectation.backoff(.syn(from: client), count: 4).check(observation, segments: doubling)
                == CheckResult(passed: true, text: "4 × SYN from client, gaps 1.0s, 2.0s, 4.0s"))
        #expect(!Expectation.backoff(.syn(from: client), count: 5).check(observation, segments: doubling).passed)
        let linear = retransmissions([0, 1, 2, 3])
        #expect(!Expectation.backoff(.syn(from: client), count: 4).check(observation, segments: linear).passed)
        let probeFirst = retransmissions([0, 0.2, 0.4, 0.8, 1.6])
        #expect(!Expectation.backoff(.syn(from: client), count: 5).check(observation, segments: probeFirst).passed)
        #expect(Expectation.backoff(.syn(from: client), count: 5, after: 1).check(observation, segments: probeFirst).passed)
    }

    @Test func countersPairNamesWithValues() {
        let text = """
            TcpExt: SyncookiesSent SyncookiesRecv ListenOverflows
            TcpExt: 3 1 7
            IpExt: InNoRoutes
            IpExt: 0 5
            Icmp: InMsgs OutDestUnreachs
            Icmp: 2 4
            """
        let counters = NetstatCounters.parse(text)
        #expect(counters["TcpExt.SyncookiesSent"] == 3 && counters["TcpExt.ListenOverflows"] == 7)
        #expect(counters["Icmp.OutDestUnreachs"] == 4)
        #expect(counters["IpExt.InNoRoutes"] == nil, "a pair that does not line up is skipped")
    }

    /// Every lesson is whole: a unique name, steps that each expect something, and no release of
    /// a hold that was never put on (the rule would not exist).
    @Test func theCatalogIsConsistent() {
        #expect(LessonCatalog.all.count >= 12)
        #expect(Set(LessonCatalog.all.map(\.name)).count == LessonCatalog.all.count)
        for lesson in LessonCatalog.all {
            #expect(!lesson.summary.isEmpty && !lesson.steps.isEmpty)
            var held: Set<Hold> = []
            for step in lesson.steps {
                #expect(!step.expect.isEmpty, "\(lesson.name): \(step.title) checks nothing")
                #expect(step.within > 0 && step.within <= 15, "\(lesson.name): \(step.title)")
                for action in step.actions {
                    if case .hold(let hold) = action { held.insert(hold) }
                    if case .release(let hold) = action {
                        #expect(held.remove(hold) != nil, "\(lesson.name): releases \(hold.name) that was never held")
                    }
                }
            }
        }
        #expect(LessonCatalog.named("handshake")?.steps.count == 5)
        #expect(LessonCatalog.named("nope") == nil)
    }

    @Test func eventsAreToldAsLinesAndJSON() {
        let check = LessonEvent.check(CheckResult(passed: false, text: "client is SYN_SENT (expected ESTABLISHED)"))
        #expect(check.line == "  FAIL   client is SYN_SENT (expected ESTABLISHED)")
        #expect(check.json.text == #"{"kind":"check","passed":0,"text":"client is SYN_SENT (expected ESTABLISHED)"}"#)
        let segment = LessonEvent.segment(time: 1.5, from: "server", to: "client",
                                          seen([.syn, .ack], from: server, to: client, at: 0, dropped: true))
        #expect(segment.line == "  seg      1.500 server → client [S.] SYN ACK seq 0 ack 0 len 0 win 100 ✗ dropped")
        #expect(LessonEvent.result(name: "close", passed: 4, of: 5).line == "\nlesson close: 4 of 5 steps passed")
        #expect(Lesson.name(of: server.local, talkingTo: client.local, among: [LabEnd.listener, client, server]) == "server")
        #expect(Lesson.name(of: server.local, talkingTo: LabEnd.client(7).local, among: [LabEnd.listener, client, server]) == "listener")
    }
}

extension LessonTests {
    /// The screen's model follows the latest connection until the viewer picks one with ←/→,
    /// and goes back to following past either end; ↑/↓ stay within the ladder's rows.
    @Test func theModelFollowsTheLatestConnectionUntilOneIsChosen() {
        let client2 = LabEnd.client(2), server2 = LabEnd.server(of: LabEnd.client(2))
        func segment(_ from: LabEnd, _ to: LabEnd, at time: Double) -> LessonEvent {
            let header = TCPHeader(flags: .syn, sequence: 1, acknowledgment: 0, window: 100, urgentPointer: 0, dataLength: 0, options: [])
            let frame = DecodedFrame(source: from.local, destination: to.local, transport: .tcp(header))
            let seen = Segment(time: time, initiator: from.local, responder: to.local, fromInitiator: true, frame: frame,
                               relativeSequence: 0, relativeAcknowledgment: 0, windowShift: nil, markers: [])
            return .segment(time: time, from: from.name, to: to.name, LabSegment(segment: seen))
        }
        var model = LessonScreenModel()
        model.apply(segment(client, server, at: 0.1))
        model.apply(segment(client2, server2, at: 0.2))
        #expect(model.ladders.count == 2 && model.shownLadder == 1)
        #expect(model.heads(of: model.ladders[1]).left == "client 2 127.0.0.1:40002")
        model.chooseLadder(by: -1)
        #expect(model.shownLadder == 0)
        model.apply(segment(client2, server2, at: 0.3))
        #expect(model.shownLadder == 0, "a chosen connection stays shown")
        model.chooseLadder(by: -1)
        #expect(model.chosenLadder == nil && model.shownLadder == 1, "past the first, back to following")
        model.moveLadderSelection(by: 5, rowCount: 2)
        #expect(model.ladderBack == 1)
        model.moveLadderSelection(by: -9, rowCount: 2)
        #expect(model.ladderBack == 0)
    }

    /// `client again` has the old client's addresses: the table shows it only once a call has
    /// made it, and from then on in the old one's place — never both, never before it exists.
    @Test func aLaterEndWithTheSameAddressesIsShownOnceMade() {
        let again = LabEnd(name: "client again", local: LabEnd.client1.local, remote: LabEnd.client1.remote)
        let ends = [LabEnd.listener, LabEnd.client1, LabEnd.server(of: LabEnd.client1), again]
        #expect(LabEnd.shown(ends, introduced: []).map(\.name) == ["listener", "client", "server"])
        #expect(LabEnd.shown(ends, introduced: ["client", "listener"]).map(\.name) == ["listener", "client", "server"])
        #expect(LabEnd.shown(ends, introduced: ["client", "client again"]).map(\.name) == ["listener", "client again", "server"])
    }
}
