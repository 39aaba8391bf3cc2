import ArgumentParser
import SockscopeApp
import SockscopeCore

/// `sockscope proxy [host] port`: a SOCKS4, 4a, 5 and HTTP CONNECT proxy, each tunnel told.
struct ProxyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proxy",
        abstract: "Serve as a SOCKS4, SOCKS4a, SOCKS5 and HTTP CONNECT proxy, with a line for each tunnel.",
        usage: "sockscope proxy [-46nv] [-l] [-w secs] [--auth-file file] [--allow list] [--deny list] [--max-conns n] [--json] [--tui | --no-tui] [host] port",
        discussion: """
            Each client's protocol is told by its first byte. Its target is resolved by the proxy \
            (SOCKS4a, SOCKS5 and HTTP name it) and dialed; the bytes of both legs are relayed \
            exactly, each FIN passed on to the other leg, a reset as a reset. A line on standard \
            output says each tunnel's end (client, target, protocol, bytes each way, time, how it \
            ended) and each refusal; -v adds a line when a tunnel opens. In a terminal, the screen \
            shows each client and its leg to the target, with their states, and each tunnel's \
            negotiation. Runs until interrupted.

            Exit status: 0, 1 on a failure to listen, 64 on bad usage; a signal ends it as nc's -k.
            """)

    @Flag(name: .customShort("4"), help: "IPv4 only (the listener and the targets).") var ipv4 = false
    @Flag(name: .customShort("6"), help: "IPv6 only (the listener and the targets).") var ipv6 = false
    @Flag(name: .customShort("l"), help: "Listen (what the proxy always does; accepted as nc's).") var listen = false
    @Flag(name: .customShort("k"), help: "Keep listening (what the proxy always does; accepted as nc's).") var keep = false
    @Flag(name: .customShort("n"), help: "Numeric addresses only for the listener: no DNS.") var numeric = false
    @Flag(name: .customShort("v"), help: "Also a line when each tunnel opens, with its negotiation and its time.") var verbose = false
    @Option(name: .customShort("w"), parsing: .unconditional,
            help: ArgumentHelp("How long a target's handshake may take, in seconds (default: the kernel's limit).", valueName: "secs"))
    var timeout: Double?
    @Option(name: .customLong("auth-file"), parsing: .unconditional,
            help: ArgumentHelp("Ask for a username and password (SOCKS5, HTTP Basic): the USER:PASSWORD lines of FILE.", valueName: "file"))
    var authFile: String?
    @OptionGroup var clients: ClientFilterOptions
    @Option(name: .customLong("max-conns"), parsing: .unconditional, help: ArgumentHelp("Tunnels at once (default 100); more clients are closed.", valueName: "n"))
    var maxTunnels: Int = 100
    @Flag(name: .customLong("json"), help: "Each line a JSON object; no screen.") var json = false
    @Flag(inversion: .prefixedNo,
          help: "Open the screen: the tunnels' legs and their states (default: when standard input and output are terminals and TERM is not dumb).")
    var tui: Bool?
    @Argument(help: ArgumentHelp("[host] port to listen on.", valueName: "host-port")) var arguments: [String] = []

    func options() throws(UsageError) -> ProxyServerOptions {
        var o = ProxyServerOptions()
        o.positionals = arguments
        o.ipv4Only = ipv4; o.ipv6Only = ipv6; o.numeric = numeric; o.verbose = verbose; o.json = json
        o.allow = clients.allow; o.deny = clients.deny; o.maxTunnels = maxTunnels; o.timeout = timeout
        var netcat = NetcatOptions()
        if let problem = Planning.addressFiles(&netcat, allow: clients.allowFiles, deny: clients.denyFiles) { throw problem }
        o.allow += netcat.allow
        o.deny += netcat.deny
        if let authFile { o.authText = try Planning.text(of: authFile, option: "--auth-file") }
        return o
    }

    func plan() throws -> ProxyServerPlan {
        do {
            return try Planning.proxyServer(try options())
        } catch {
            throw ValidationError(error.message)
        }
    }

    func validate() throws {
        _ = try plan()
        if tui == true {
            if json { throw ValidationError("--tui: --json writes the tunnels as lines") }
            if !Terminal.isInteractive() { throw ValidationError("--tui needs a terminal on standard input and output (and TERM other than dumb)") }
        }
    }

    func run() throws {
        terminate(ProxyServerMode(plan: try plan(), io: .process, interactive: tui ?? Terminal.isInteractive()).run())
    }
}
