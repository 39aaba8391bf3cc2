import ArgumentParser
import SockscopeApp
import SockscopeCore

/// `sockscope probe HOST PORT`: connects, timed and told apart, and what they came to.
struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Time connects to HOST PORT: each one told (connected, refused, filtered), then min, percentiles, max, mean, mdev and loss.",
        discussion: "Exit status: 0 when every probe connected, 1 otherwise, 64 on bad usage.")

    @Flag(name: .customShort("4"), help: "IPv4 only.") var ipv4 = false
    @Flag(name: .customShort("6"), help: "IPv6 only.") var ipv6 = false
    @Flag(name: .customShort("n"), help: "Numeric addresses only: no DNS.") var numeric = false
    @Option(name: .customShort("c"), parsing: .unconditional, help: ArgumentHelp("How many probes (default 4; at most 100000).", valueName: "count"))
    var count = 4
    @Option(name: .customShort("i"), parsing: .unconditional, help: ArgumentHelp("Seconds between probes (default 1).", valueName: "secs"))
    var interval = 1.0
    @Option(name: .customShort("w"), parsing: .unconditional, help: ArgumentHelp("How long a probe waits for an answer (default 2 s): past it, filtered.", valueName: "secs"))
    var timeout = 2.0
    @Flag(name: .customLong("json"), help: "An object per probe and one for the summary.") var json = false
    @Argument(help: "The host to probe.") var host: String
    @Argument(help: "Its port.") var port: String

    func options() throws -> ProbeMode.Options {
        if ipv4 && ipv6 { throw ValidationError("cannot use -4 and -6") }
        guard (1...100_000).contains(count) else { throw ValidationError("-c: 1 to 100000 probes") }
        guard interval.isFinite, (0...3600).contains(interval) else { throw ValidationError("-i: 0 to 3600 seconds") }
        guard timeout.isFinite, timeout >= 0.001, timeout <= 600 else { throw ValidationError("-w: 0.001 to 600 seconds") }
        var o = ProbeMode.Options()
        o.host = host
        o.family = ipv4 ? .inet : (ipv6 ? .inet6 : .any)
        o.numeric = numeric
        o.count = count
        o.interval = interval
        o.timeout = timeout
        o.json = json
        do {
            o.port = try Planning.port(port)
        } catch {
            throw ValidationError(error.message)
        }
        return o
    }

    func validate() throws { _ = try options() }

    func run() throws { terminate(ProbeMode(options: try options(), io: .process).run()) }
}
