import Glibc
import SockscopeCore
import SockscopeTransport

/// `sockscope proxy [host] port` (issue 22): a SOCKS4, 4a, 5 and HTTP CONNECT proxy on the one
/// engine. Its output is its log: the readiness line, then a line (or a JSON object) per tunnel
/// on standard output — when it ends, and under -v when it opens; failures on standard error.
public final class ProxyServerMode {
    let plan: ProxyServerPlan
    let io: SystemIO
    let log: Diagnostics
    /// In a terminal (and not --json, not --no-tui): the screen, each tunnel's legs in its list.
    let interactive: Bool

    public init(plan: ProxyServerPlan, io: SystemIO, interactive: Bool = false) {
        self.plan = plan
        self.io = io
        self.interactive = interactive && !plan.json
        log = Diagnostics(fd: io.stderr, verbose: plan.verbose)
    }

    public func run() -> ExitStatus {
        signal(SIGPIPE, SIG_IGN)
        let signalFD = io.signalDescriptor(interactive ? SystemIO.screenSignals : SystemIO.endingSignals)
        defer { if signalFD >= 0 { close(signalFD) } }
        do {
            return try serve(signalFD: signalFD)
        } catch let error as TransportError {
            log.error(error.description)
        } catch let error as SystemError {
            log.error(error.description)
        } catch {
            log.error("\(error)")
        }
        return .failure
    }

    func serve(signalFD: Int32) throws -> ExitStatus {
        let listener = try open()
        let lines = PendingLines(fd: io.stdout)
        let wallClock = io.wallClock
        let json = plan.json, verbose = plan.verbose
        // In the screen, each tunnel's lines are notes of its client's connection.
        var screenMode: ScreenMode?
        let say: (SessionEvent, Bool, Int?) -> Void = { event, always, connection in
            if let screenMode {
                screenMode.tell(event, connection: connection ?? 0)
                return
            }
            guard always || verbose else { return }
            if json {
                lines.add(event.json(wallTime: wallClock()))
            } else if let text = event.text {
                lines.add(text)
            }
        }
        let local = Socket.localAddress(listener)
        if !interactive {
            say(readiness(local), true, nil)
            lines.flush()
        }

        // Each connection ends once both of its directions have (its FIN passed on, the peer's
        // read); the proxy outlives them all.
        var settings = EngineSettings(rules: RelayRules(endOfInput: .keepOpen, listening: false, keepListening: true))
        settings.maxConnections = 2 * plan.maxTunnels  // a client and its leg to the target
        settings.bufferSize = 1 << 20
        settings.filter = plan.filter
        settings.dialTimeout = plan.timeout
        let engine = Engine(settings: settings, stdin: -1, stdout: -1, signalFD: signalFD, clock: io.monotonic)
        let dialer = Dialer(datagram: false, timeout: plan.timeout, source: nil, sourcePort: nil, signalFD: signalFD)
        let face = ProxyServerFace(plan: plan, dialer: dialer, lookups: try NameLookups(), clock: io.monotonic, say: say)
        engine.setListener(listener)
        if interactive {
            let status = screen(engine, relay: face, local: local, signalFD: signalFD) { screenMode = $0 }
            screenMode = nil
            return status
        }
        engine.face = face
        engine.flushEvents = lines.flush
        let outcome = try withExtendedLifetime(face) { try engine.run() }
        face.finish()
        lines.flush()
        if case .signal(let number) = outcome { return .signal(number) }
        return .success
    }

    /// The listening socket, on the first of the host's addresses that can be bound.
    func open() throws -> Int32 {
        let addresses = try Resolver.resolve(host: plan.host, port: plan.port, family: plan.family, datagram: false,
                                             numeric: plan.numeric, passive: true)
        var lastError: SystemError?
        for address in addresses {
            do {
                return try Listener.open(at: address, datagram: false)
            } catch {
                lastError = SystemError("bind to \(address.numericHost) port \(plan.port) failed", code: error.code)
            }
        }
        throw lastError ?? SystemError("no address to listen on", code: EADDRNOTAVAIL)
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
