import Glibc
import SockscopeCore
import SockscopeTransport

/// `sockscope probe HOST PORT` (issue 24, first part): the name's resolution shown and timed,
/// then connects, one after another, each timed and told apart — connected, refused (an RST),
/// filtered (no answer within -w) — and a summary: min, p50, p90, p99, max, mean, mdev, loss.
/// Lines for people, or JSON objects; exit 0 only when every probe connected.
public struct ProbeMode {
    public struct Options {
        public var host = ""
        public var port: UInt16 = 0
        public var family: NetcatOptions.Family = .any
        public var numeric = false
        public var count = 4
        public var interval = 1.0
        public var timeout = 2.0
        public var json = false
        public init() {}
    }

    let options: Options
    let io: SystemIO

    public init(options: Options, io: SystemIO) {
        self.options = options
        self.io = io
    }

    enum Outcome { case connected, refused, filtered, failed(String) }

    public func run() -> ExitStatus {
        signal(SIGPIPE, SIG_IGN)
        let log = Diagnostics(fd: io.stderr, verbose: true)
        let signalFD = io.signalDescriptor(SystemIO.endingSignals)
        defer { if signalFD >= 0 { close(signalFD) } }
        let out = StandardOutput(io.stdout)
        func say(_ event: SessionEvent) -> ExitStatus? {
            let line = options.json ? event.json(wallTime: io.wallClock()) : (event.text ?? "")
            return OutputLines.write(line + "\n", to: out, signalFD: signalFD, log: log)
        }
        // Resolution first, timed: every address, in the order they will be tried (RFC 6724's,
        // as getaddrinfo sorts them).
        let began = io.monotonic()
        let addresses: [SocketAddress]
        do {
            addresses = try Resolver.resolve(host: options.host, port: options.port, family: options.family, datagram: false,
                                             numeric: options.numeric, passive: false)
        } catch {
            log.error(error.description)
            return .failure
        }
        let lookup = io.monotonic() - began
        let shown = addresses.map(\.numericHost)
        if let status = say(SessionEvent("resolved", [("host", .string(options.host)), ("addresses", .array(shown.map { .string($0) })),
                                                      ("ms", .double((lookup * 1e6).rounded() / 1e3))],
                                         text: "\(options.host.terminalSafe) resolves to \(shown.joined(separator: ", ")) in \(DurationText.short(lookup)); probing \(shown.first ?? "?") port \(options.port)")) {
            return status
        }
        guard let address = addresses.first else { return .failure }
        let dialer = Dialer(datagram: false, timeout: options.timeout, source: nil, sourcePort: nil, signalFD: signalFD)
        var times: [Double] = []
        var refused = 0, filtered = 0, failed = 0
        var interrupted: Int32?
        for number in 1...options.count {
            if number > 1, case .signal(let signal) = SignalWait.wait(seconds: options.interval, signalFD: signalFD) {
                interrupted = signal
                break
            }
            let start = io.monotonic()
            var outcome = Outcome.failed("")
            var synsAgain = 0
            let result = dialer.connect(to: address)
            // The connect's own time (SYN to SYN-ACK and our ACK), before any close.
            let seconds = io.monotonic() - start
            switch result {
            case .success(let fd):
                outcome = .connected
                times.append(seconds)
                // SYNs sent again before the answer: TCP_INFO's retransmissions so far (a lost
                // SYN costs a second: the time alone cannot tell it from a slow peer).
                synsAgain = Int(TCPInfoReader.read(fd)?.totalRetransmits ?? 0)
                close(fd)
            case .failure(.refused(let error)) where error.code == ECONNREFUSED:
                outcome = .refused
                refused += 1
            case .failure(.refused(let error)):
                outcome = .failed(String(cString: strerror(error.code)))
                failed += 1
            case .failure(.timedOut):
                outcome = .filtered
                filtered += 1
            case .failure(.interrupted(let signal)):
                interrupted = signal
            }
            if interrupted != nil { break }
            let (word, text): (String, String) = switch outcome {
            case .connected: ("connected", "connected in \(DurationText.milliseconds(seconds)) ms"
                                + (synsAgain > 0 ? " (\(synsAgain) SYN\(synsAgain == 1 ? "" : "s") sent again)" : ""))
            case .refused: ("refused", "refused (RST) in \(DurationText.milliseconds(seconds)) ms")
            case .filtered: ("filtered", "no answer within \(Seconds.text(options.timeout)) s (filtered)")
            case .failed(let why): ("failed", "failed: \(why)")
            }
            if let status = say(SessionEvent("probe", [("probe", .int(number)), ("address", .string(address.numericHost)),
                                                       ("port", .int(Int(options.port))), ("outcome", .string(word)),
                                                       ("syn_retransmits", .int(synsAgain)),
                                                       ("ms", .double((seconds * 1e6).rounded() / 1e3))],
                                             text: "probe \(number): \(address.numericHost) \(options.port): \(text)")) {
                return status
            }
        }
        let sent = times.count + refused + filtered + failed
        let loss = sent == 0 ? 0 : Double(sent - times.count) / Double(sent) * 100
        let stats = ProbeStatistics(times)
        let counts = "\(sent) probes, \(times.count) connected, \(refused) refused, \(filtered) filtered"
            + (failed > 0 ? ", \(failed) failed" : "") + " (\(Int(loss.rounded()))% loss)"
        if let status = say(SessionEvent("summary", [("probes", .int(sent)), ("connected", .int(times.count)), ("refused", .int(refused)),
                                                     ("filtered", .int(filtered)), ("failed", .int(failed)),
                                                     ("loss_percent", .double((loss * 10).rounded() / 10))] + (stats?.json ?? []),
                                           text: counts + (stats.map { "\nconnect: \($0.text)" } ?? ""))) {
            return status
        }
        if let interrupted { return .signal(interrupted) }
        return sent > 0 && times.count == sent ? .success : .failure
    }
}
