import Testing
@testable import SockscopeCore

struct StateExplanationTests {
    /// No transition Linux can make lacks its own explanation (not the fallback).
    @Test func everyPossibleTransitionIsExplained() {
        for (from, to) in StateExplanations.possible {
            let text = StateExplanations.direct(from: from, to: to)
            #expect(text != nil, "\(from.name) → \(to.name) has no explanation")
            #expect((text?.count ?? 0) > 30)
        }
        for state in TCPState.allCases { #expect(StateExplanations.of(state).count > 30) }
    }

    /// The ten transitions a real nc session showed through tracefs on this machine.
    @Test func theTracedNcSessionIsCovered() {
        let seen: [(TCPState, TCPState)] = [
            (.close, .synSent), (.synSent, .established), (.listen, .synRecv), (.synRecv, .established),
            (.established, .finWait1), (.established, .closeWait), (.closeWait, .lastAck),
            (.finWait1, .finWait2), (.finWait2, .close), (.lastAck, .close),
        ]
        for (from, to) in seen {
            #expect(StateExplanations.possible.contains { $0 == (from, to) }, "\(from.name) → \(to.name)")
        }
    }

    @Test func namesTheSegment() {
        let text = StateExplanations.transition(from: .synSent, to: .established)
        #expect(text == "SYN_SENT → ESTABLISHED: the peer's SYN-ACK arrived and this side sent the final ACK; the three-way handshake is complete on this side.")
        #expect(StateExplanations.transition(from: .established, to: .finWait1).contains("FIN"))
    }

    @Test func impossiblePairsSayStatesWereMissed() {
        let text = StateExplanations.transition(from: .established, to: .timeWait)
        #expect(text.contains("too brief"))
        #expect(text.hasSuffix(StateExplanations.of(.timeWait)))
    }
}
