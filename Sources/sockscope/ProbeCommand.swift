import ArgumentParser
import SockscopeApp
import SockscopeCore

/// `sockscope probe HOST PORT`: connects, timed and told apart, and what they came to.
struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Time connects to HOST PORT phase by phase: each one told (connected, refused, filtered), then min, percentiles, max, mean, mdev and loss.",
        discussion: """
            Phases: the connect (Happy Eyeballs across IPv6 and IPv4), SYNs sent again, the \
            proxies' negotiation (-x), the TLS handshake (--tls), the first byte (--send, --expect) and the close (our FIN until \
            acknowledged). Exit status: 0 when every probe connected and did what was asked, 1 \
            otherwise, 64 on bad usage.
            """)

    @Flag(name: .customShort("4"), help: "IPv4 only.") var ipv4 = false
    @Flag(name: .customShort("6"), help: "IPv6 only.") var ipv6 = false
    @Flag(name: .customShort("n"), help: "Numeric addresses only: no DNS.") var numeric = false
    @Option(name: .customShort("c"), parsing: .unconditional, help: ArgumentHelp("How many probes (default 4; at most 100000).", valueName: "count"))
    var count = 4
    @Option(name: .customShort("i"), parsing: .unconditional, help: ArgumentHelp("Seconds between probes (default 1).", valueName: "secs"))
    var interval = 1.0
    @Option(name: .customShort("w"), parsing: .unconditional, help: ArgumentHelp("How long a probe waits for an answer (default 2 s): past it, filtered; also each later phase's limit.", valueName: "secs"))
    var timeout = 2.0
    @Option(name: .customLong("concurrency"), parsing: .unconditional,
            help: ArgumentHelp("Probes at once (default 1; at most 1000): a pool of n connections held open together, then closed.", valueName: "n"))
    var concurrency = 1
    @OptionGroup var tls: TLSClientOptions
    @OptionGroup var proxy: ProxyOptions
    @Option(name: .customLong("send"), help: ArgumentHelp("Send DATA after connecting (\\n \\r \\t \\0 \\\\ \\xHH understood) and time the reply's first byte.", valueName: "data"))
    var send: String?
    @Option(name: .customLong("expect"), help: ArgumentHelp("Wait until the reply holds TEXT (same escapes); a probe without it fails.", valueName: "text"))
    var expect: String?
    @Flag(name: .customLong("json"), help: "An object per probe and one for the summary.") var json = false
    @Argument(help: "The host to probe.") var host: String
    @Argument(help: "Its port.") var port: String

    func options() throws -> ProbeMode.Options {
        if ipv4 && ipv6 { throw ValidationError("cannot use -4 and -6") }
        guard (1...100_000).contains(count) else { throw ValidationError("-c: 1 to 100000 probes") }
        guard interval.isFinite, (0...3600).contains(interval) else { throw ValidationError("-i: 0 to 3600 seconds") }
        guard timeout.isFinite, timeout >= 0.001, timeout <= 600 else { throw ValidationError("-w: 0.001 to 600 seconds") }
        guard (1...1000).contains(concurrency) else { throw ValidationError("--concurrency: 1 to 1000 probes at once") }
        func bytes(_ text: String?, _ option: String) throws -> [UInt8]? {
            guard let text else { return nil }
            switch ProbeOrder.bytes(text) {
            case .success(let bytes):
                guard !bytes.isEmpty, bytes.count <= 65536 else { throw ValidationError("\(option): 1 to 65536 bytes") }
                return bytes
            case .failure(let error): throw ValidationError("\(option): \(error.message)")
            }
        }
        var o = ProbeMode.Options()
        o.host = host
        o.family = ipv4 ? .inet : (ipv6 ? .inet6 : .any)
        o.numeric = numeric
        o.count = count
        o.interval = interval
        o.timeout = timeout
        o.json = json
        o.concurrency = concurrency
        o.tls = try tls.choice()
        o.proxy = try proxy.choice()
        o.send = try bytes(send, "--send")
        o.expect = try bytes(expect, "--expect")
        o.port = try portArgument(port)
        return o
    }

    func validate() throws { _ = try options() }

    func run() throws { terminate(ProbeMode(options: try options(), io: .process).run()) }
}
