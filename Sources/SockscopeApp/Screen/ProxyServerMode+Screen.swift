import Glibc
import SockscopeCore
import SockscopeTransport

/// `sockscope proxy` in a terminal: the screen, with the proxy as its relay — each client and
/// its leg to the target in the connection list (named as such), their states side by side in
/// the table, each tunnel's negotiation and end as notes of its client's conversation.
extension ProxyServerMode {
    func screen(_ engine: Engine, relay: ProxyServerFace, local: SocketAddress, signalFD: Int32,
                started: (ScreenMode) -> Void) -> ExitStatus {
        // Every frame: a tunnel's legs have ports of their own beside the listener's.
        let wish = KernelSources.CaptureWish()
        let kernel = KernelSources.start(io, capture: wish, signalFD: signalFD, log: log)
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
        let authentication = plan.credentials == nil ? "no authentication" : "username and password"
        let header = ScreenModel.Header(mode: "proxy", local: local.display, peer: "SOCKS4/4a/5, HTTP CONNECT",
                                         policy: "each client's tunnel relayed to its target (\(authentication))",
                                         sources: ScreenMode.sources(tracing: sources.trace, traceOff: sources.traceOff, unix: false,
                                                                     capturing: sources.capture != nil, captureOff: sources.captureOff),
                                         brief: ScreenMode.brief(tracing: sources.trace?.origin, capturing: sources.capture != nil, unix: false))
        do {
            let mode = try ScreenMode(plan: sessionPlan, io: io, header: header, trace: sources.trace, capture: sources.capture,
                                      captureOff: sources.captureOff)
            mode.relay = relay
            mode.relayLabel = { [unowned relay] id in relay.label(id) }
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
