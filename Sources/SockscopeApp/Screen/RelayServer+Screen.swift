import Glibc
import SockscopeCore
import SockscopeTransport

/// `proxy` and `serve` in a terminal: the screen, with the face as its relay — each connection
/// named as the face names it, their states in the table, what the face tells as notes of each
/// client's conversation.
extension RelayServer {
    func screen(_ engine: Engine, relay: any ServingFace, local: SocketAddress, signalFD: Int32,
                started: (ScreenMode) -> Void) -> ExitStatus {
        // Every frame: a proxy's legs have ports of their own beside the listener's.
        let kernel = KernelSources.start(io, capture: KernelSources.CaptureWish(), signalFD: signalFD, log: log)
        if let refusal = kernel.refusal { return refusal }
        defer { kernel.sources.stop() }
        // The screen's model as for `-l -k -d`: many connections, no input line of its own.
        var options = NetcatOptions()
        options.listen = true
        options.keepListening = true
        options.noStdin = true
        options.positionals = [local.numericHost, String(local.port)]
        guard let sessionPlan = try? Planning.plan(options) else { return .failure }
        let sources = kernel.sources
        let header = ScreenModel.Header(mode: setup.mode, local: local.display, peer: setup.serves, policy: setup.policy,
                                         sources: ScreenMode.sources(tracing: sources.trace, traceOff: sources.traceOff, unix: false,
                                                                     capturing: sources.capture != nil, captureOff: sources.captureOff),
                                         brief: ScreenMode.brief(tracing: sources.trace?.origin, capturing: sources.capture != nil, unix: false))
        do {
            let mode = try ScreenMode(plan: sessionPlan, io: io, header: header, trace: sources.trace, capture: sources.capture,
                                      captureOff: sources.captureOff)
            mode.relay = relay
            mode.relayLabel = { [unowned relay] id in relay.label(id) }
            mode.relayShows = { [unowned relay] id in relay.showsReceived(id) }
            started(mode)
            let status = mode.run(engine)
            relay.finish()
            return status
        } catch {
            log.error("\(error)")
            return .failure
        }
    }
}
