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
    /// Whether the session runs in the screen rather than on stdin/stdout.
    let interactive: Bool
    /// The screen's tracepoint source, started before dialing so that the handshake is seen.
    var trace: TraceSource?
    var traceOff: String?

    public init(plan: SessionPlan, io: SystemIO, interactive: Bool = false) {
        self.plan = plan
        self.io = io
        self.interactive = interactive
        log = Diagnostics(fd: io.stderr, verbose: plan.verbose)
    }

    public func run() -> ExitStatus {
        // A vanished reader must surface as EPIPE from write(), not kill the process.
        signal(SIGPIPE, SIG_IGN)
        let signals = SystemIO.endingSignals + (interactive ? [SIGWINCH] : [])
        let signalFD = clinux_signalfd(signals, Int32(signals.count))
        defer { if signalFD >= 0 { close(signalFD) } }
        if interactive {
            do {
                trace = try TraceSource(bufferKB: io.traceBufferKB)
            } catch {
                traceOff = error.description
            }
        }
        defer { trace?.stop() }
        do {
            if let path = plan.hexDumpPath {
                recorder = try HexDumpFile(
                    path: path, wallClock: io.wallClock, signalFD: signalFD,
                    onWaiting: { self.log.write("sockscope: --hex-dump \(path): waiting for a reader of the FIFO") },
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
        } catch HexDumpFile.OpenFailure.failed(let error) {
            log.error(error.description)
        } catch HexDumpFile.OpenFailure.interrupted(let signal) {
            return .signal(signal)
        } catch {
            log.error("\(error)")
        }
        return .failure
    }

    /// Runs the session over its socket, in the screen or as a pipe, and turns the outcome into
    /// an exit status.
    func relay(signalFD: Int32, endpoint: ConsoleMode.Endpoint, listeningPath: String? = nil) throws -> ExitStatus {
        if interactive { return try console(signalFD: signalFD, endpoint: endpoint) }
        Descriptor.enlargePipe(io.stdin)
        Descriptor.enlargePipe(io.stdout)
        let loop = PipeLoop(
            settings: PipeSettings(plan: plan), stdin: io.stdin, stdout: io.stdout,
            signalFD: signalFD, clock: io.monotonic,
            onEvent: { event in self.log.info(self.describe(event, listeningPath: listeningPath)) })
        loop.recorder = recorder
        switch endpoint {
        case .connected(let fd, let peer): loop.addConnection(fd, peer: peer)
        case .listener(let fd): loop.setListener(fd)
        case .datagramServer(let fd): loop.setDatagramServer(fd, answerFirstPeerOnly: !plan.keepListening)
        case .none: break
        }
        switch try loop.run() {
        case .signal(let number): return .signal(number)
        case .finished, .idleTimeout, .quitAfterEOF: return .success
        case .stdoutFailed(let code):
            log.error("write to standard output failed: \(String(cString: strerror(code)))")
            return .failure
        }
    }

    func describe(_ event: PipeEvent, listeningPath: String?) -> String {
        // A peer chooses its Unix path and its reverse-DNS name: escaped for the terminal.
        func endpoint(_ address: SocketAddress) -> (String, UInt16?) {
            if address.family == AF_UNIX { return ((address.unixPath ?? listeningPath ?? "(unnamed)").terminalSafe, nil) }
            return (address.host(numeric: plan.numeric).terminalSafe, address.port)
        }
        switch event {
        case .accepted(let address), .heard(let address):
            let (host, port) = endpoint(address)
            return port.map { NetcatWords.received(host: host, port: $0) } ?? NetcatWords.received(path: host)
        case .refusedOverLimit(let address):
            let (host, port) = endpoint(address)
            return NetcatWords.refusedOverLimit(host: host, port: port ?? 0, limit: plan.maxConnections)
        case .closed(let address):
            let (host, port) = endpoint(address)
            return "Connection closed: \(host)\(port.map { " \($0)" } ?? "")"
        }
    }

    func announcePolicy() {
        log.info(NetcatWords.endOfInputPolicy(plan.endOfInput, readsStdin: plan.readStdin))
    }
}
