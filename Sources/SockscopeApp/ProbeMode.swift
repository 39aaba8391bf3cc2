import Glibc
import SockscopeCore
import SockscopeTransport

/// `sockscope probe HOST PORT` (issue 24): the name's resolution shown and timed — every
/// address, its family and zone, the canonical name, and the order they are tried in — then
/// probes, --concurrency at a time, each timed phase by phase (`ProbeRunner`) and told apart:
/// connected, refused (an RST), filtered (no answer within -w), failed after connecting. At the
/// end min, p50, p90, p99, max, mean, mdev per phase, and the loss. Lines for people (with a
/// histogram on a terminal), or JSON objects; exit 0 only when every probe did all it was asked.
public struct ProbeMode {
    public struct Options {
        public var host = ""
        public var port: UInt16 = 0
        public var family: NetcatOptions.Family = .any
        public var numeric = false
        public var count = 4
        public var interval = 1.0
        public var timeout = 2.0
        public var concurrency = 1
        /// --tls: a handshake timed after each connect.
        public var tls: TLSClientChoice?
        /// -x: probes go through these proxies (the first one dialed and raced), each probe's
        /// negotiation a phase.
        public var proxy = ProxyChoice()
        public var send: [UInt8]?
        public var expect: [UInt8]?
        public var json = false
        public init() {}
    }

    let options: Options
    let io: SystemIO

    public init(options: Options, io: SystemIO) {
        self.options = options
        self.io = io
    }

    public func run() -> ExitStatus {
        signal(SIGPIPE, SIG_IGN)
        let log = Diagnostics(fd: io.stderr, verbose: true)
        let signalFD = io.signalDescriptor(SystemIO.endingSignals)
        defer { if signalFD >= 0 { close(signalFD) } }
        let display = ProbeDisplay(io: io, signalFD: signalFD, log: log, json: options.json)
        // Through proxies the first one is what is dialed; the target is asked for in each
        // probe's negotiation (its name resolved here, before any dial, when it must be).
        let proxied: ((Int32) -> any ByteStream)?
        do {
            proxied = try options.proxy.stage(host: options.host, port: options.port, family: options.family, numeric: options.numeric,
                                              timeout: options.timeout, clock: io.monotonic)
        } catch {
            log.error("\(error)")
            return .failure
        }
        let dialed = options.proxy.dialed(host: options.host, port: options.port)
        let began = io.monotonic()
        let resolved: (addresses: [SocketAddress], canonicalName: String?)
        do {
            resolved = try Resolver.lookUp(host: dialed.0, port: dialed.1, family: options.family, datagram: false,
                                           numeric: options.numeric, passive: false, canonical: true)
        } catch {
            log.error(error.description)
            return .failure
        }
        let lookup = io.monotonic() - began
        let order = ProbeOrder.interleaved(resolved.addresses.map(\.family)).map { resolved.addresses[$0] }
        if let status = display.say(resolution(resolved.addresses, canonicalName: resolved.canonicalName, order: order, seconds: lookup,
                                               host: dialed.0, port: dialed.1)) {
            return status
        }
        guard !order.isEmpty else { return .failure }
        var tls: TLSStream.Settings?
        if let choice = options.tls {
            do {
                tls = try choice.settings(host: options.host, handshakeLimit: options.timeout, clock: io.monotonic)
            } catch {
                log.error(error.description)
                return .failure
            }
        }
        let runner = ProbeRunner(plan: .init(addresses: order, port: dialed.1, timeout: options.timeout, tls: tls, proxied: proxied,
                                             send: options.send, expect: options.expect),
                                 clock: io.monotonic, signalFD: signalFD)
        var summary = ProbeSummary()
        var interrupted: ExitStatus?
        if let stop = runner.run(count: options.count, concurrency: options.concurrency, interval: options.interval, tell: { result in
            summary.add(result)
            return display.result(result)
        }) {
            guard case .signal = stop else { return stop }
            interrupted = stop
        }
        if let status = display.finish(summary) { return status }
        if let interrupted { return interrupted }
        return !summary.results.isEmpty && summary.results.allSatisfy(\.succeeded) ? .success : .failure
    }

    /// `localhost resolves to ::1 (IPv6), 127.0.0.1 (IPv4) in 0.210 ms; canonical name
    /// localhost; trying ::1 first (getaddrinfo's order, RFC 6724), …`.
    func resolution(_ addresses: [SocketAddress], canonicalName: String?, order: [SocketAddress], seconds: Double,
                    host: String, port: UInt16) -> SessionEvent {
        func family(_ address: SocketAddress) -> String { address.family == AF_INET6 ? "IPv6" : "IPv4" }
        let shown = addresses.map { address in
            "\(address.numericHost) (\(family(address))\(address.zone.map { ", zone \($0.terminalSafe)" } ?? ""))"
        }
        var text = "\(host.terminalSafe) resolves to \(shown.joined(separator: ", ")) in \(DurationText.short(seconds))"
        if let canonicalName, canonicalName != host { text += "; canonical name \(canonicalName.terminalSafe)" }
        let families = Set(addresses.map(\.family))
        if let first = order.first {
            text += families.count > 1
                ? "; trying \(first.numericHost) first (getaddrinfo's order, RFC 6724), the other family \(Int(ProbeOrder.attemptDelay * 1000)) ms later "
                    + "if none has connected (Happy Eyeballs, RFC 8305; -4 or -6 to choose)"
                : "; probing \(first.numericHost) port \(port)" + (addresses.count > 1 ? ", the next address if it fails" : "")
        }
        if let last = options.proxy.hops.last {
            let count = options.proxy.hops.count
            text += "; to \(options.host.terminalSafe) port \(options.port) through \(count) \(last.kind.name) prox\(count == 1 ? "y" : "ies")"
        }
        let listed: [JSONValue] = addresses.map { .string($0.numericHost) }
        let detail: [JSONValue] = addresses.map { address in
            .object([("address", .string(address.numericHost)), ("family", .string(family(address))),
                     ("zone", address.zone.map { .string($0) } ?? .null)])
        }
        return SessionEvent("resolved", [("host", .string(host)), ("addresses", .array(listed)), ("families", .array(detail)),
                                         ("canonical_name", canonicalName.map { .string($0) } ?? .null),
                                         ("order", .array(order.map { .string($0.numericHost) })),
                                         ("ms", .milliseconds(seconds))]
                                + (options.proxy.hops.isEmpty ? [] : [("target", .string(options.host)), ("target_port", .int(Int(options.port)))]),
                            text: text)
    }
}
