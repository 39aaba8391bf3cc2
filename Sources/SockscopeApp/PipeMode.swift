import CLinux
import Glibc
import SockscopeCore
import SockscopeTransport

/// Pipe mode: nc's dial, listen and scan, with stdin/stdout as the local ends.
public final class PipeMode {
    let plan: SessionPlan
    let io: SystemIO
    let log: Diagnostics
    /// --hex-dump, opened before any socket so that a bad path fails before the session starts.
    var recorder: HexDumpFile?
    /// --keylog (or SSLKEYLOGFILE) with --tls: the sessions' secrets, appended.
    var keyLog: OutputFile?
    /// --tls: what the run's TLS connections share, made before any socket (a bad certificate
    /// file is one line at the start).
    var tlsContext: TLSContext?
    /// --pcap with --tls: the capture's pcapng holds the sessions' secrets.
    var pcapTakesSecrets: Bool { plan.tls != nil && capture != nil && plan.pcapPath != nil }
    /// Whether the session runs in the screen rather than on stdin/stdout.
    let interactive: Bool
    /// The screen's tracepoint source, started before dialing so that the handshake is seen.
    var trace: (any TransitionFeed)?
    var traceOff: String?
    /// The screen's capture (as root), likewise started before dialing, so that the SYN is seen.
    var capture: (any SegmentFeed)?
    var captureOff: String?
    /// --ladder: its place checked (a temporary file made beside it) before the session starts.
    var ladderFile: ReplacedFile?
    /// -x: the stage that asks the proxies for the target, made before the first dial.
    var proxyMaker: ((Int32) -> any ByteStream)?
    /// -v's lines said before the screen opened (`Listening on …`): its first notes, rather than
    /// lines hidden behind it until it closes.
    var screenNotes: [String] = []

    /// A -v line of the session's start: on standard error, or in the screen.
    func announce(_ event: SessionEvent) {
        guard interactive else {
            log.event(event)
            return
        }
        if log.verbose, let text = event.text { screenNotes.append(text) }
    }

    public init(plan: SessionPlan, io: SystemIO, interactive: Bool = false) {
        self.plan = plan
        self.io = io
        self.interactive = interactive
        log = Diagnostics(fd: io.stderr, verbose: plan.verbose, json: plan.json, wallClock: io.wallClock)
    }

    public func run() -> ExitStatus {
        // A vanished reader must surface as EPIPE from write(), not kill the process.
        signal(SIGPIPE, SIG_IGN)
        let signals = interactive ? SystemIO.screenSignals : SystemIO.endingSignals
        let signalFD = io.signalDescriptor(signals)
        defer { if signalFD >= 0 { close(signalFD) } }
        defer { trace?.stop() }
        if interactive, let status = startSources(signalFD: signalFD) { return status }
        // A session that never makes a connection leaves the dump's file as it was.
        defer { recorder?.finish() }
        // A key log this run created and never wrote a secret to is removed, as the dump is.
        defer { keyLog?.abandon() }
        do {
            if let tls = plan.tls, let path = tls.keyLogPath ?? io.environment("SSLKEYLOGFILE").flatMap({ $0.isEmpty ? nil : $0 }) {
                let option = tls.keyLogPath != nil ? "--keylog" : "SSLKEYLOGFILE"
                keyLog = try OutputFile(path, option: option, holdsPayload: true, beginsNow: false, appends: true,
                                        signalFD: signalFD, onWaiting: OutputFiles.waiting(option, path, log: log))
            }
            if let tls = plan.tls {
                // The secrets go to the key log, and into --pcap's pcapng.
                let keeping = keyLog != nil || pcapTakesSecrets
                tlsContext = plan.mode == .listen
                    ? try TLSContext(serverWith: tls.certFile, keyFile: tls.keyFile, keepingKeyLog: keeping)
                    : try TLSContext(clientVerifying: tls.verify, caFile: tls.caFile, certFile: tls.certFile, keyFile: tls.keyFile,
                                     keepingKeyLog: keeping)
                try tlsContext?.limitVersions(min: tls.minVersion, max: tls.maxVersion)
                if let alpn = tls.alpn { try tlsContext?.offerProtocols(alpn) }
                if tls.verifyClients { try tlsContext?.verifyClients(caFile: tls.caFile) }
            }
            if let path = plan.hexDumpPath {
                recorder = try HexDumpFile(
                    path: path, wallClock: io.wallClock, signalFD: signalFD,
                    onWaiting: OutputFiles.waiting("--hex-dump", path, log: log),
                    onFailure: { self.log.error($0) })
            }
            switch plan.mode {
            case .scan: return try ScanMode(plan: plan, log: log, signalFD: signalFD).run()
            case .dial: return try dial(signalFD: signalFD)
            case .listen: return try listen(signalFD: signalFD)
            }
        } catch let error as TransportError {
            log.error(error.description)
        } catch let error as SystemError {
            log.error(error.description)
        } catch OutputFile.OpenFailure.failed(let line) {
            log.error(line)
        } catch OutputFile.OpenFailure.interrupted(let signal) {
            return .signal(signal)
        } catch {
            log.error("\(error)")
        }
        return .failure
    }

    /// The screen's sources — the tracepoint, the capture — and the files it writes: --pcap
    /// opened once the capture runs, --ladder's place checked now. A file asked for that could
    /// not be written would surprise later: without the capture (no root) the session does not
    /// start. Nil: go on.
    func startSources(signalFD: Int32) -> ExitStatus? {
        var wish = KernelSources.CaptureWish(payload: plan.pcapPayload, pcapPath: plan.pcapPath, secrets: plan.tls != nil,
                                             requiredBy: plan.pcapPath != nil ? "--pcap" : plan.ladderPath != nil ? "--ladder" : nil)
        switch plan.target {
        // From the start, the kernel keeps only the target's (or the listener's) port.
        // Through proxies, the socket's peer is the first proxy.
        case .inet(_, let ports): wish.port = plan.proxies.first?.port ?? ports.first.flatMap { $0 == 0 ? nil : $0 }
        default: wish.impossible = "a Unix socket sends no segments"
        }
        let started = KernelSources.start(io, capture: wish, signalFD: signalFD, log: log)
        if let refusal = started.refusal { return refusal }
        (trace, traceOff, capture, captureOff) = (started.sources.trace, started.sources.traceOff, started.sources.capture,
                                                  started.sources.captureOff)
        guard let path = plan.ladderPath else { return nil }
        let opened = OutputFiles.open(log: log) { () throws(OutputFile.OpenFailure) in try ReplacedFile(path, option: "--ladder") }
        ladderFile = opened.file
        return opened.status
    }

    /// What the session starts from.
    enum Endpoint {
        case connected(Int32, peer: SocketAddress)
        /// The screen's dial, its handshake under way: the screen opens before it completes.
        /// `since`: the clock read just before connect(), so that our SYN_SENT is placed before
        /// the kernel's own stamps of the handshake (on loopback it is over before connect()
        /// returns).
        /// `others`: the name's addresses still to try, each started with `start`, when it fails.
        case connecting(Int32, peer: SocketAddress, since: Double, others: [SocketAddress],
                        start: (SocketAddress) -> Result<(fd: Int32, connected: Bool), Dialer.Failure>)
        case listener(Int32)
        /// A bound datagram socket: the first sender becomes the peer (as nc; every sender with -k).
        case datagramServer(Int32)
    }

    /// Runs the session over its socket on the one engine — as a pipe, or in the screen — and
    /// turns the outcome into an exit status.
    func relay(signalFD: Int32, endpoint: Endpoint, listeningPath: String? = nil) throws -> ExitStatus {
        let engine: Engine
        let failures = Counter()
        // Events become -v lines, written together (Engine.flushEvents); without -v nothing
        // is formatted (under -k a busy server has two events per client). In the screen, the
        // screen takes the events, and what a relay tells becomes its notes (`tales`).
        let verbose = log.verbose && !interactive
        let log = self.log
        let lines = PendingLines(fd: log.fd)
        let tales = Tales({ told in if let line = log.line(for: told) { lines.add(line) } },
                          fail: { lines.add("sockscope: \($0.terminalSafe)") })
        let onEvent: (EngineEvent) -> Void = { event in
            // A stage's failure (a TLS handshake refused, a proxy's refusal) is the session's:
            // said in one line, with the stage's name, exit 1, with or without -v.
            if case .closed(_, _, .streamFailed(let reason)) = event {
                if !self.interactive { lines.add("sockscope: \(reason.terminalSafe)") }
                failures.count += 1
            }
            if verbose, let told = self.describe(event, listeningPath: listeningPath), let line = log.line(for: told) {
                lines.add(line)
            }
        }
        // Clients' bytes to one another, or a program behind each connection: a relay, standard
        // input and output left alone (in a terminal, the screen shows what it does). A broker's
        // client is done once it has finished and has all it is owed; a program's connection
        // once both directions have ended (its output, then our FIN; the peer's FIN, then its
        // input closed).
        var execFace: ExecFace?
        var relay: (any EngineFace)?
        var rules: RelayRules?
        if let broker = plan.broker {
            rules = RelayRules(endOfInput: .keepOpen, listening: true, keepListening: true)
            relay = BrokerFace(chat: broker == .chat, onEvent: onEvent)
        } else if let command = plan.exec {
            rules = RelayRules(endOfInput: .keepOpen, listening: false, keepListening: plan.keepListening)
            execFace = ExecFace(command: command, stderrToSocket: plan.execStderr, fail: { tales.fail($0) }, tell: { tales.tell($0) },
                                onEvent: onEvent)
            relay = execFace
        }
        if let rules, relay != nil {
            var settings = EngineSettings(plan: plan, interactive: true)
            settings.rules = rules
            settings.bufferSize = 1 << 20
            engine = Engine(settings: settings, stdin: -1, stdout: -1, signalFD: signalFD, clock: io.monotonic)
            if !interactive { engine.face = relay }
        } else if interactive {
            engine = Engine(settings: EngineSettings(plan: plan, interactive: true), stdin: -1, stdout: -1,
                            signalFD: signalFD, clock: io.monotonic)
        } else {
            Descriptor.enlargePipe(io.stdin)
            Descriptor.enlargePipe(io.stdout)
            engine = Engine(settings: EngineSettings(plan: plan), stdin: io.stdin, stdout: io.stdout,
                            signalFD: signalFD, clock: io.monotonic, onEvent: onEvent)
        }
        // --progress: drawn after each round's lines, erased before the next ones; from the
        // first byte moved (a listener's wait for its client is no part of a rate).
        let meter = plan.progress && !interactive ? ProgressMeter(fd: log.fd, asked: true, clock: io.monotonic) : nil
        let progress = { [unowned engine] () -> String? in
            guard engine.bytesSent + engine.bytesReceived > 0, let meter else { return nil }
            meter.begin()
            return TransferProgress.twoWays(sent: engine.bytesSent, received: engine.bytesReceived, seconds: meter.seconds)
        }
        if let meter {
            lines.beforeWriting = meter.clearLine
            engine.flushEvents = {
                lines.flush()
                meter.update(progress)
            }
        } else if !interactive {
            engine.flushEvents = lines.flush
        }
        defer { if let meter, let text = progress() { meter.finish(text) } }
        engine.recorder = recorder
        let proxy = proxyMaker
        if let proxy { engine.makeStream = proxy }
        if let tls = plan.tls, let context = tlsContext {
            var typed: String?
            if case .inet(let host, _) = plan.target, context.client { typed = host }
            // The handshake's limit: -w when given (nc's connect timeout), else 10 s.
            // The screen's ladder names each record; a pipe has no use for them.
            let capture = pcapTakesSecrets ? self.capture : nil
            let settings = TLSStream.Settings(context: context, servername: tls.servername ?? typed, keyLog: keyLog,
                                              handshakeLimit: plan.timeout ?? 10, records: interactive,
                                              secrets: capture.map { capture in { capture.recordSecrets($0) } },
                                              handshaking: capture.map { capture in { capture.holdFrames($0) } }, clock: io.monotonic)
            engine.makeStream = { fd in TLSStream.make(lower: proxy?(fd) ?? PlainStream(fd: fd), settings: settings) }
        }
        switch endpoint {
        case .connected(let fd, let peer): engine.addConnection(fd, peer: peer)
        case .connecting(let fd, let peer, let since, let others, let start):
            engine.addConnecting(fd, peer: peer, since: since, then: others, start: start)
        case .listener(let fd): engine.setListener(fd)
        case .datagramServer(let fd): engine.setDatagramServer(fd, answerFirstPeerOnly: !plan.keepListening)
        }
        if interactive {
            let status = screen(engine, relay: relay, tales: tales)
            execFace?.finish()
            return status
        }
        let outcome = try engine.run()
        withExtendedLifetime(relay) {}  // the engine's face is weak
        if let execFace {
            execFace.finish()
            engine.flushEvents?()
            if execFace.startFailed { failures.count += 1 }
            // One connection (-l alone, a dial): sockscope ends as its program did.
            if case .finished = outcome, !plan.keepListening, failures.count == 0, let status = execFace.lastStatus {
                return status.exitCode == 0 ? .success : .code(status.exitCode)
            }
        }
        switch outcome {
        case .signal(let number): return .signal(number)
        case .finished, .idleTimeout, .quitAfterEOF, .quit: return failures.count > 0 ? .failure : .success
        case .stdoutFailed(let code):
            log.error("write to standard output failed: \(String(cString: strerror(code)))")
            return .failure
        }
    }

    /// An engine event as -v tells it, in nc's words, and as --json does (nil: neither says
    /// anything of it).
    func describe(_ event: EngineEvent, listeningPath: String?) -> SessionEvent? {
        // A peer chooses its Unix path and its reverse-DNS name: escaped for the terminal (JSON
        // escapes what it quotes).
        func endpoint(_ address: SocketAddress) -> (String, UInt16?) {
            if address.family == AF_UNIX { return (address.unixPath ?? listeningPath ?? "(unnamed)", nil) }
            return (address.host(numeric: plan.numeric), address.port)
        }
        // JSON names the address itself, never its reverse-DNS name.
        func place(_ address: SocketAddress) -> [(String, JSONValue)] {
            if address.family == AF_UNIX { return SessionEvent.place(host: endpoint(address).0, port: nil) }
            return SessionEvent.place(host: address.numericHost, port: address.port)
        }
        func connection(_ id: Int) -> [(String, JSONValue)] { [("connection", .int(id))] }
        switch event {
        case .opened(let id, let address?, let how) where how != .dialed:
            let (host, port) = endpoint(address)
            let words = port.map { NetcatWords.received(host: host.terminalSafe, port: $0) } ?? NetcatWords.received(path: host.terminalSafe)
            return SessionEvent("accepted", connection(id) + place(address), text: words)
        case .refusedByFilter(let address):
            let (host, port) = endpoint(address)
            return SessionEvent("refused", place(address) + [("reason", .string("filter"))],
                                text: "Connection from \(host.terminalSafe)\(port.map { " \($0)" } ?? "") refused: not allowed (--allow, --deny)")
        case .refusedOverLimit(let address):
            let (host, port) = endpoint(address)
            return SessionEvent("refused", place(address) + [("limit", .int(plan.maxConnections))],
                                text: NetcatWords.refusedOverLimit(host: host.terminalSafe, port: port ?? 0, limit: plan.maxConnections))
        case .streamNote(let id, let note):
            switch note.meaning {
            case .tlsHandshake(let version, let cipher, let alpn, let verification):
                return SessionEvent("tls", connection(id) + [("version", .string(version)), ("cipher", .string(cipher)),
                                                             ("alpn", alpn.map { .string($0) } ?? .null),
                                                             ("verification", .string(verification))],
                                    text: note.text.terminalSafe)
            case .proxy(let address, let type, let detail, let seconds):
                return SessionEvent("proxy", connection(id) + [("proxy", .string(address)), ("type", .string(type)),
                                                               ("negotiation", .string(detail)),
                                                               ("seconds", .seconds(seconds))],
                                    text: note.text.terminalSafe)
            case .tlsEnding(let how):
                return SessionEvent("tls-peer-ended", connection(id) + [("how", .string(how))], text: note.text.terminalSafe)
            case .other:
                return SessionEvent("note", connection(id) + [("text", .string(note.text))], text: note.text.terminalSafe)
            }
        case .closed(let id, let address, let reason):
            // nc says it only of a -k server's clients; JSON of every connection, with why.
            let words = address.map { endpoint($0) }.flatMap { host, port in
                plan.keepListening ? "Connection closed: \(host.terminalSafe)\(port.map { " \($0)" } ?? "")" : nil
            }
            return SessionEvent("closed", connection(id) + (address.map(place) ?? []) + [("reason", .string(Self.word(for: reason)))],
                                text: words)
        default:
            return nil
        }
    }

    /// A connection's end in one word for --json (a stage's failure is said on its own line).
    static func word(for reason: EngineEvent.CloseReason) -> String {
        switch reason {
        case .finished: "finished"
        case .closedByUs: "closed"
        case .reset: "reset-by-us"
        case .resetByPeer: "reset-by-peer"
        case .failed: "failed"
        case .streamFailed: "stage-failed"
        case .idle: "idle"
        }
    }

    func announcePolicy() {
        if let broker = plan.broker {
            let words = broker == .chat ? "Chat: every client's lines go to all the others, each with its sender's name"
                                        : "Broker: every client's bytes go to all the other clients"
            announce(SessionEvent("broker", [("chat", .bool(broker == .chat))], text: words))
            return
        }
        if let command = plan.exec {
            let words = "Behind each connection: \(command.joined(separator: " ").terminalSafe) (its output is sent, the peer's bytes are its input)"
            announce(SessionEvent("exec", [("program", .string(command.joined(separator: " ")))], text: words))
            return
        }
        announce(SessionEvent("end-of-input", [("rule", .string(NetcatWords.endOfInputPolicy(plan.endOfInput, readsStdin: plan.readStdin)))],
                               text: NetcatWords.endOfInputPolicy(plan.endOfInput, readsStdin: plan.readStdin)))
    }
}

/// A count that a closure adds to (the engine's events) and the mode reads after the run.
final class Counter {
    var count = 0
}

/// Where a relay's own events go (a program started or ended) and its failures (one could not
/// be started): -v lines and error lines in a pipe, the screen's notes once it runs (it sets
/// both sinks).
final class Tales {
    var sink: (SessionEvent) -> Void
    var failSink: (String) -> Void

    init(_ sink: @escaping (SessionEvent) -> Void, fail: @escaping (String) -> Void) {
        self.sink = sink
        failSink = fail
    }

    func tell(_ event: SessionEvent) { sink(event) }

    func fail(_ message: String) { failSink(message) }
}
