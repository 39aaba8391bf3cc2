import Glibc
import SockscopeCore
import SockscopeTransport
import SockscopeTUI

/// A dialed or listening session in the screen instead of on stdin/stdout.
extension PipeMode {
    func console(signalFD: Int32, endpoint: ConsoleMode.Endpoint) throws -> ExitStatus {
        var local = ""
        var peer = ""
        switch endpoint {
        case .connected(let fd, let address):
            local = Socket.localAddress(fd).display
            peer = address.display
        case .listener(let fd), .datagramServer(let fd):
            local = Socket.localAddress(fd).display
            peer = "waiting for \(plan.keepListening ? "clients" : "a client")"
        case .none: break
        }
        let unix: Bool
        if case .unix = plan.target { unix = true } else { unix = false }
        let mode = "\(plan.mode == .listen ? "listen" : "dial") \(unix ? "unix" : "")\(plan.protocolName)"
            + (plan.keepListening ? " -k" : "")
        let header = ConsoleModel.Header(mode: mode, local: local, peer: peer, policy: Self.policy(plan),
                                         sources: ConsoleMode.sources(tracing: trace != nil, traceOff: traceOff,
                                                                      unix: unix))
        let screen: ConsoleMode
        do {
            screen = try ConsoleMode(plan: plan, io: io, signalFD: signalFD, header: header, trace: trace, recorder: recorder)
        } catch {
            log.error(error.description)
            return .failure
        }
        return screen.run(endpoint)
    }

    /// The end-of-input rule, as the header says it (Ctrl-D is the screen's end of input).
    static func policy(_ plan: SessionPlan) -> String {
        guard plan.readStdin else { return "-d: nothing is sent" }
        switch plan.endOfInput {
        case .keepOpen: return "Ctrl-D keeps it open, as nc (/shutdown sends FIN)"
        case .shutdownWrite: return "Ctrl-D sends FIN (-N)"
        case .quit(let secs): return secs < 0 ? "Ctrl-D sends FIN (-q)" : "Ctrl-D sends FIN, quits after \(Seconds.text(secs)) s of quiet (-q)"
        }
    }
}

extension ConsoleMode {
    /// Which sources feed the table and log, and why one is off.
    static func sources(tracing: Bool, traceOff: String?, unix: Bool, interval: Double = 0.5) -> String {
        var text = tracing ? "tracefs (every TCP transition) + socket tables + TCP_INFO"
                           : "tracefs off (\(traceOff ?? "unavailable")): socket tables every \(Seconds.text(interval)) s miss brief states; + TCP_INFO"
        if unix { text = "Unix sockets have no TCP states; F3 shows the system's · " + text }
        return text
    }
}
