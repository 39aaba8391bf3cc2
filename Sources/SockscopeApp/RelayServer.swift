import Glibc
import SockscopeCore
import SockscopeTransport

/// A face that serves a listener's clients itself (`proxy`, `serve`): it moves their bytes
/// through the engine, names its connections in the screen's list, and tells what it did.
protocol ServingFace: EngineFace {
    /// How the screen's connection list names a connection (nil: as its address).
    func label(_ id: Int) -> String?
    /// At the end (a signal): what is still open, told.
    func finish()
    /// Whether the screen's conversation shows the bytes now arriving on `id` (a file's
    /// content is counted, not shown: it is the file's, not a conversation).
    func showsReceived(_ id: Int) -> Bool
}

extension ServingFace {
    func showsReceived(_ id: Int) -> Bool { true }
}

/// `sockscope proxy` and `sockscope serve`: a listener whose clients a face serves, on the one
/// engine. Its output is its log: the readiness line, then a line (or a JSON object) per client
/// on standard output, as the face says; failures on standard error. In a terminal (unless
/// --json or --no-tui) the screen instead, the face its relay.
final class RelayServer {
    struct Setup {
        var host: String?
        var port: UInt16
        var family: NetcatOptions.Family
        var numeric: Bool
        var verbose: Bool
        var json: Bool
        var filter: AddressFilter?
        /// Connections at once (a proxy's client and its leg are two).
        var maxConnections: Int
        var dialTimeout: Double?
        var interactive: Bool
        /// The screen's header: `proxy`, `serve echo`; what it serves; its rule in a few words.
        var mode: String
        var serves: String
        var policy: String
        /// The engine's reads at most: a proxy's legs move most in big reads; a receiver hashes
        /// and writes what it reads, fastest in pieces that stay in the CPU's cache.
        var bufferSize = 1 << 20
        /// Each client's stream (serve --tls: a TLS server stage); nil: the socket itself.
        var makeStream: ((Int32) -> ByteStream)?
    }

    /// Says an event: `always`, or only under -v; with its client's connection id.
    typealias Say = (SessionEvent, _ always: Bool, _ connection: Int?) -> Void

    let setup: Setup
    let io: SystemIO
    let log: Diagnostics

    init(_ setup: Setup, io: SystemIO) {
        var setup = setup
        setup.interactive = setup.interactive && !setup.json
        self.setup = setup
        self.io = io
        log = Diagnostics(fd: io.stderr, verbose: setup.verbose)
    }

    /// Runs until a signal; `readiness` is the first line, `makeFace` the face given `say`.
    func run(readiness: (SocketAddress) -> SessionEvent, makeFace: (@escaping Say, Int32) throws -> any ServingFace) -> ExitStatus {
        signal(SIGPIPE, SIG_IGN)
        let signalFD = io.signalDescriptor(setup.interactive ? SystemIO.screenSignals : SystemIO.endingSignals)
        defer { if signalFD >= 0 { close(signalFD) } }
        do {
            return try serve(signalFD: signalFD, readiness: readiness, makeFace: makeFace)
        } catch let error as TransportError {
            log.error(error.description)
        } catch let error as SystemError {
            log.error(error.description)
        } catch {
            log.error("\(error)")
        }
        return .failure
    }

    func serve(signalFD: Int32, readiness: (SocketAddress) -> SessionEvent,
               makeFace: (@escaping Say, Int32) throws -> any ServingFace) throws -> ExitStatus {
        let listener = try open()
        let lines = PendingLines(fd: io.stdout)
        let wallClock = io.wallClock
        let json = setup.json, verbose = setup.verbose
        // In the screen, each client's lines are notes of its connection.
        var screenMode: ScreenMode?
        let say: Say = { event, always, connection in
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
        if !setup.interactive {
            say(readiness(local), true, nil)
            lines.flush()
        }
        // Each connection ends once both of its directions have (its FIN passed on, the peer's
        // read); the server outlives them all.
        var settings = EngineSettings(rules: RelayRules(endOfInput: .keepOpen, listening: false, keepListening: true))
        settings.maxConnections = setup.maxConnections
        settings.bufferSize = setup.bufferSize
        settings.filter = setup.filter
        settings.dialTimeout = setup.dialTimeout
        let engine = Engine(settings: settings, stdin: -1, stdout: -1, signalFD: signalFD, clock: io.monotonic)
        engine.makeStream = setup.makeStream
        let face = try makeFace(say, signalFD)
        engine.setListener(listener)
        if setup.interactive {
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

    /// How a served connection ended, in a line's words: `finished`, `reset by us`, `reset by
    /// the client`, `target failed: Connection timed out` (`side`: what the peer is to us).
    static func ending(_ reason: EngineEvent.CloseReason, side: String) -> String {
        switch reason {
        case .finished, .closedByUs: "finished"
        case .reset: "reset by us"
        case .resetByPeer: "reset by the \(side)"
        case .failed(let code): "\(side) failed: \(String(cString: strerror(code)))"
        case .streamFailed(let why): why
        case .idle: "idle"
        }
    }

    /// A client the engine turned away (--allow/--deny, --max-conns), as a serving face tells it.
    static func refusal(_ event: EngineEvent) -> SessionEvent? {
        let address: SocketAddress, why: String
        switch event {
        case .refusedByFilter(let refused): (address, why) = (refused, "not allowed (--allow, --deny)")
        case .refusedOverLimit(let refused): (address, why) = (refused, "over --max-conns")
        default: return nil
        }
        return SessionEvent("refused", [("client", .string(address.endpoint?.address.description ?? "?")), ("reason", .string(why))],
                            text: "\(address.display) refused: \(why)")
    }

    /// The listening socket, on the first of the host's addresses that can be bound.
    func open() throws -> Int32 {
        let addresses = try Resolver.resolve(host: setup.host, port: setup.port, family: setup.family, datagram: false,
                                             numeric: setup.numeric, passive: true)
        var lastError: SystemError?
        for address in addresses {
            do {
                return try Listener.open(at: address, datagram: false)
            } catch {
                lastError = SystemError("bind to \(address.numericHost) port \(setup.port) failed", code: error.code)
            }
        }
        throw lastError ?? SystemError("no address to listen on", code: EADDRNOTAVAIL)
    }
}
