import Testing
@testable import SockscopeCore

struct RelayRulesTests {
    typealias Peer = RelayRules.Peer
    let open = RelayRules.Local(stdinOpen: true, stdoutOpen: true)
    let inputDone = RelayRules.Local(stdinOpen: false, stdoutOpen: true)

    @Test func finOnlyUnderNOrQAndOnlyWhenDrained() {
        let keep = RelayRules(endOfInput: .keepOpen, listening: false, keepListening: false)
        let n = RelayRules(endOfInput: .shutdownWrite, listening: false, keepListening: false)
        let q = RelayRules(endOfInput: .quit(after: 1), listening: false, keepListening: false)
        #expect(!keep.shouldShutDownWrite(inputDone, Peer()))
        #expect(n.shouldShutDownWrite(inputDone, Peer()))
        #expect(q.shouldShutDownWrite(inputDone, Peer()))
        #expect(!n.shouldShutDownWrite(open, Peer()))
        #expect(!n.shouldShutDownWrite(inputDone, Peer(unsent: 10)))      // bytes still queued
        #expect(!n.shouldShutDownWrite(inputDone, Peer(writeOpen: false))) // already shut down
        #expect(!n.shouldShutDownWrite(inputDone, Peer(stream: false)))    // UDP cannot half-close
    }

    @Test func dialerWaitsForInputToEndListenerDoesNot() {
        let dialer = RelayRules(endOfInput: .keepOpen, listening: false, keepListening: false)
        let listener = RelayRules(endOfInput: .keepOpen, listening: true, keepListening: false)
        let peerDone = Peer(readOpen: false)
        // nc: the dialer whose peer closed stays until its own input ends…
        #expect(!dialer.peerFinished(open, peerDone))
        #expect(dialer.peerFinished(inputDone, peerDone))
        // …the listener is done as soon as the client finished sending.
        #expect(listener.peerFinished(open, peerDone))
        #expect(!listener.peerFinished(open, Peer(readOpen: false, unsent: 5)))
        #expect(!listener.peerFinished(open, Peer()))
        // Input already waiting (a file) is still sent before the listener ends.
        let ready = RelayRules.Local(stdinOpen: true, stdoutOpen: true, inputReady: true)
        #expect(!listener.peerFinished(ready, peerDone))
    }

    /// --send-only: the connection is over once all of the input has gone, the peer still
    /// talking or not; not before.
    @Test func sendOnlyEndsWhenTheInputIsDrained() {
        var rules = RelayRules(endOfInput: .keepOpen, listening: false, keepListening: false)
        rules.sendOnly = true
        #expect(rules.peerFinished(inputDone, Peer()))
        #expect(!rules.peerFinished(inputDone, Peer(unsent: 3)))
        #expect(!rules.peerFinished(open, Peer()))
    }

    @Test func deadDirectionsEndTheConnection() {
        let rules = RelayRules(endOfInput: .keepOpen, listening: false, keepListening: false)
        #expect(rules.peerFinished(open, Peer(readOpen: false, writeOpen: false)))
        #expect(rules.peerFinished(RelayRules.Local(stdinOpen: true, stdoutOpen: false), Peer(writeOpen: false)))
        #expect(!rules.peerFinished(open, Peer(writeOpen: false)))  // still receiving after -N
    }

    @Test func quietLimitAppliesWhenEveryPeerHasAllInput() {
        let q = RelayRules(endOfInput: .quit(after: 3), listening: false, keepListening: true)
        #expect(q.quietLimit(open, peers: [Peer()]) == nil)
        #expect(q.quietLimit(inputDone, peers: [Peer(), Peer(unsent: 1)]) == nil)
        #expect(q.quietLimit(inputDone, peers: [Peer(), Peer()]) == 3)
        let n = RelayRules(endOfInput: .shutdownWrite, listening: false, keepListening: false)
        #expect(n.quietLimit(inputDone, peers: [Peer()]) == nil)
    }

    /// -q 0 reads a stream's reply to the peer's FIN; a datagram session quits at once.
    @Test func quietLimitZeroWaitsForAStreamButNotForDatagrams() {
        let q0 = RelayRules(endOfInput: .quit(after: 0), listening: false, keepListening: false)
        #expect(q0.quietLimit(inputDone, peers: [Peer()]) == nil)
        #expect(q0.quietLimit(inputDone, peers: [Peer(stream: false)]) == 0)
    }

    @Test func inputWaitsForSomewhereToGo() {
        let rules = RelayRules(endOfInput: .keepOpen, listening: true, keepListening: true)
        #expect(!rules.wantsInput(open, anyPeerWritable: false, bufferHasRoom: true))  // no client yet
        #expect(rules.wantsInput(open, anyPeerWritable: true, bufferHasRoom: true))
        #expect(!rules.wantsInput(open, anyPeerWritable: true, bufferHasRoom: false))
        #expect(!rules.wantsInput(inputDone, anyPeerWritable: true, bufferHasRoom: true))
        #expect(!rules.wantsPeerInput(RelayRules.Local(stdinOpen: true, stdoutOpen: false), stdoutHasRoom: true))
    }

    @Test func keepListeningNeverFinishesBySessionRule() {
        let k = RelayRules(endOfInput: .keepOpen, listening: true, keepListening: true)
        let one = RelayRules(endOfInput: .keepOpen, listening: true, keepListening: false)
        #expect(!k.sessionFinished(inputDone, peersLeft: 0, everConnected: true))
        #expect(one.sessionFinished(open, peersLeft: 0, everConnected: true))
        #expect(!one.sessionFinished(open, peersLeft: 0, everConnected: false))
        // -k -q 0: the server quits once input has ended and no client is left.
        let kq0 = RelayRules(endOfInput: .quit(after: 0), listening: true, keepListening: true)
        #expect(!kq0.sessionFinished(open, peersLeft: 0, everConnected: true))
        #expect(!kq0.sessionFinished(inputDone, peersLeft: 1, everConnected: true))
        #expect(kq0.sessionFinished(inputDone, peersLeft: 0, everConnected: true))
    }

    /// The screen: end of input per connection (Ctrl-D), /shutdown and /close.
    @Test func theScreensRequestsPerConnection() {
        let keep = RelayRules(endOfInput: .keepOpen, listening: false, keepListening: false)
        let n = RelayRules(endOfInput: .shutdownWrite, listening: false, keepListening: false)
        var ended = Peer()
        ended.inputOpen = false
        #expect(n.shouldShutDownWrite(open, ended) && !keep.shouldShutDownWrite(open, ended))
        var fin = Peer(unsent: 3)
        fin.finRequested = true
        #expect(!keep.shouldShutDownWrite(open, fin))  // what is queued goes first
        fin.unsent = 0
        #expect(keep.shouldShutDownWrite(open, fin))
        var close = Peer(unsent: 3)
        close.closeRequested = true
        #expect(!keep.peerFinished(open, close))
        close.unsent = 0
        #expect(keep.peerFinished(open, close))
        // Quiet time once every connection's input has ended.
        let q = RelayRules(endOfInput: .quit(after: 2), listening: false, keepListening: false)
        #expect(q.quietLimit(open, peers: [ended]) == 2 && q.quietLimit(open, peers: [ended, Peer()]) == nil)
        #expect(q.quietLimit(open, peers: []) == nil)
    }

    /// In the screen a lone accepted connection is held half-closed like a dialed one; under -k
    /// the listener's rule frees finished clients.
    @Test func theScreenHoldsALoneConnection() {
        var plan = SessionPlanner.samplePlan(mode: .listen)
        #expect(RelayRules(plan: plan, interactive: true).listening == false)
        #expect(RelayRules(plan: plan).listening == true)
        plan.keepListening = true
        #expect(RelayRules(plan: plan, interactive: true).listening == true)
    }
}

extension SessionPlanner {
    static func samplePlan(mode: SessionPlan.Mode) -> SessionPlan {
        SessionPlan(mode: mode, target: .inet(host: "127.0.0.1", ports: [80]), datagram: false, family: .any,
                    keepListening: false, numeric: true, verbose: false, endOfInput: .keepOpen, timeout: nil,
                    sourceAddress: nil, sourcePort: nil, crlf: false, readStdin: true, interval: nil, hexDumpPath: nil,
                    maxConnections: 100)
    }
}
