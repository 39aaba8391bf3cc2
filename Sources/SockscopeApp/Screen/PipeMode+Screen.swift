import Glibc
import SockscopeCore
import SockscopeTransport
import SockscopeTUI

/// A dialed or listening connection in the screen instead of on stdin/stdout.
extension PipeMode {
    func screen(_ engine: Engine, relay: (any EngineFace)? = nil, tales: Tales? = nil) -> ExitStatus {
        var local = engine.listenerAddress?.display ?? ""
        var peer = "waiting for \(plan.keepListening ? "clients" : "a client")"
        if let connection = engine.openConnections.first {
            local = connection.local.display
            peer = connection.peer?.display ?? "(unnamed)"
        }
        let unix: Bool
        if case .unix = plan.target { unix = true } else { unix = false }
        // `dial tcp`, `listen udp`, `dial unix`, `listen unix datagram`.
        let kind = unix ? (plan.datagram ? "unix datagram" : "unix") : plan.protocolName
        let mode = "\(plan.mode == .listen ? "listen" : "dial") \(kind)"
            + (plan.keepListening ? " -k" : "")
        let header = ScreenModel.Header(mode: mode, local: local, peer: peer, policy: Self.policy(plan),
                                         sources: ScreenMode.sources(tracing: trace, traceOff: traceOff,
                                                                     unix: unix, capturing: capture != nil,
                                                                     captureOff: captureOff),
                                         brief: ScreenMode.brief(tracing: trace?.origin, capturing: capture != nil, unix: unix))
        do {
            let mode = try ScreenMode(plan: plan, io: io, header: header, trace: trace, capture: capture, captureOff: captureOff,
                                      ladderFile: ladderFile)
            mode.relay = relay
            mode.model.unixSocket = unix
            for note in screenNotes { mode.model.note(note, connection: 0, at: io.monotonic()) }
            tales?.sink = { [unowned mode] told in mode.tell(told) }
            tales?.failSink = { [unowned mode] message in mode.tell(SessionEvent("error", text: message.terminalSafe)) }
            return mode.run(engine)
        } catch {
            log.error("\(error)")
            return .failure
        }
    }

    /// The end-of-input rule, as the header says it (Ctrl-D is the screen's end of input).
    static func policy(_ plan: SessionPlan) -> String {
        if let command = plan.exec { return "a program behind each connection: \(command.joined(separator: " ").terminalSafe)" }
        if let broker = plan.broker { return broker == .chat ? "--chat: each client's lines go to the others, named" : "--broker: each client's bytes go to the others" }
        guard plan.readStdin else { return "-d: nothing is sent" }
        if plan.datagram { return "each line one datagram; UDP has no FIN: Ctrl-D stops sending" }
        switch plan.endOfInput {
        case .keepOpen: return "Ctrl-D keeps it open, as nc (/shutdown sends FIN)"
        case .shutdownWrite: return "Ctrl-D sends FIN (-N)"
        case .quit(let secs): return secs == 0 ? "Ctrl-D sends FIN, quits when the peer finishes (-q 0)"
                                                : "Ctrl-D sends FIN, quits after \(Seconds.text(secs)) s of quiet (-q)"
        }
    }
}

extension ScreenMode {
    /// The header's few words on the sources: how complete the view is, and, when it is not, how
    /// to complete it.
    static func brief(tracing: TraceSource.Origin?, capturing: Bool, unix: Bool, interval: Double = 0.5) -> String {
        if unix { return "Unix: no TCP states (F3: the system's)" }
        if let tracing { return (capturing ? "every transition + segments" : "every transition") + " (\(tracing.name))" }
        return "tables every \(Seconds.text(interval)) s · sudo: full view"
    }

    /// Which sources feed the table and log, and why one is off.
    static func sources(tracing: (any TransitionFeed)?, traceOff: String?, unix: Bool, interval: Double = 0.5, capturing: Bool = false,
                        captureOff: String? = nil) -> String {
        var text = "tracepoint off (\(traceOff ?? "unavailable")): socket tables every \(Seconds.text(interval)) s miss brief states; + TCP_INFO"
        if let tracing {
            text = "\(tracing.origin.name) (every TCP transition) + socket tables + TCP_INFO"
            if let reason = tracing.bpfUnavailable { text += " · eBPF off: \(reason)" }
        }
        if capturing { text += " + segments (F9: ladder)" } else if let captureOff, !unix { text += " · no segments: \(captureOff)" }
        if unix { text = "Unix sockets have no TCP states; F3 shows the system's · " + text }
        return text
    }
}
