import SockscopeCore
import SockscopeTransport

/// `sockscope proxy [host] port` (issue 22): a SOCKS4, 4a, 5 and HTTP CONNECT proxy — a
/// `RelayServer` whose face is `ProxyServerFace`: a line per tunnel when it ends (-v: also when
/// it opens), or the screen with each tunnel's legs.
public struct ProxyServerMode {
    let plan: ProxyServerPlan
    let io: SystemIO
    let interactive: Bool

    public init(plan: ProxyServerPlan, io: SystemIO, interactive: Bool = false) {
        self.plan = plan
        self.io = io
        self.interactive = interactive
    }

    public func run() -> ExitStatus {
        let authentication = plan.credentials == nil ? "no authentication" : "username and password"
        let server = RelayServer(.init(host: plan.host, port: plan.port, family: plan.family, numeric: plan.numeric, verbose: plan.verbose,
                                       json: plan.json, filter: plan.filter, maxConnections: 2 * plan.maxTunnels,  // a client and its leg
                                       dialTimeout: plan.timeout, interactive: interactive, mode: "proxy", serves: "SOCKS4/4a/5, HTTP CONNECT",
                                       policy: "each client's tunnel relayed to its target (\(authentication))"), io: io)
        let plan = self.plan
        return server.run(readiness: { readiness($0) }) { say, signalFD throws in
            let dialer = Dialer(datagram: false, timeout: plan.timeout, source: nil, sourcePort: nil, signalFD: signalFD)
            return ProxyServerFace(plan: plan, dialer: dialer, lookups: try NameLookups(), clock: io.monotonic, say: say)
        }
    }

    func readiness(_ local: SocketAddress) -> SessionEvent {
        let host = local.host(numeric: plan.numeric)
        let authentication = plan.credentials == nil ? "no authentication"
            : "username and password (\(plan.credentials?.count ?? 0) accepted; SOCKS4 refused)"
        return SessionEvent("listening", SessionEvent.place(host: local.numericHost, port: local.port)
                                + [("authentication", .bool(plan.credentials != nil))],
                            text: "Proxy listening on \(host.terminalSafe) \(local.port): SOCKS4, SOCKS4a, SOCKS5 and HTTP CONNECT, \(authentication)")
    }
}
