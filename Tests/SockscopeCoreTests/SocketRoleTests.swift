import Testing
@testable import SockscopeCore

/// Explanations name the socket by its role, never "this side".
struct SocketRoleTests {
    @Test func namedByRole() {
        let text = StateExplanations.transition(from: .finWait1, to: .finWait2)
        #expect(SocketRole.name(in: text, .ourDialer) == "FIN_WAIT1 → FIN_WAIT2: the peer acknowledged our dialer's FIN; our dialer's sending half is closed, its receiving half still open.")
        let peer = SocketRole.name(in: StateExplanations.transition(from: .established, to: .closeWait), .peersSocket)
        #expect(peer == "ESTABLISHED → CLOSE_WAIT: our socket's FIN arrived: our socket will send no more data; the peer's socket acknowledged it and can still send.")
        #expect(SocketRole.name(in: StateExplanations.of(.synSent), .ourListenersConnection).hasPrefix("Our listener's connection sent a SYN"))
        for (from, to) in StateExplanations.possible {
            #expect(!SocketRole.name(in: StateExplanations.transition(from: from, to: to), nil).contains("this side"))
        }
    }

    @Test func rolesFromTheTracepoint() {
        var memory = RoleMemory()
        let dialer = SocketEntry(proto: .tcp, local: ResetMemoryTests.dialer, remote: ResetMemoryTests.server, stateCode: 1)
        let accepted = SocketEntry(proto: .tcp, local: ResetMemoryTests.server, remote: ResetMemoryTests.dialer, stateCode: 1)
        func transition(_ entry: SocketEntry, _ from: TCPState, _ to: TCPState) -> Transition {
            Transition(time: 0, entry: entry, from: .tcp(from), to: .tcp(to), duration: nil, source: .tracefs)
        }
        #expect(memory.role(of: transition(dialer, .synSent, .established)) == .dialer)
        #expect(memory.role(of: transition(accepted, .listen, .synRecv)) == .listenersConnection)
        #expect(memory.role(of: transition(dialer, .established, .finWait1)) == .dialer)
        #expect(memory.role(of: transition(accepted, .established, .closeWait)) == .listenersConnection)
        #expect(transition(dialer, .established, .finWait1).json(wallTime: 0, owner: nil).text.contains("\"role\":null"))
    }
}
