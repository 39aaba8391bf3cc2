import ArgumentParser
import Glibc
import SockscopeApp
import SockscopeCore

/// `sockscope serve [NAME [host] port]`: peers to practise on.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a peer to practise on (echo, discard, daytime, chargen, random, slow, reset, halfclose, receive); alone, list them.",
        usage: """
            sockscope serve [NAME [-46nv] [--json] [--tls [--tls-cert file [--tls-key file]]] [--allow list] [--deny list] [--max-conns n] [--tui | --no-tui] [host] port]
            sockscope serve receive [--overwrite] [--keep-partial] [options] [DIR] [host] port
            """,
        discussion: """
            Each peer serves clients at once, until a signal. A line on standard output says each \
            client's end (bytes each way, time, how it ended); -v adds one when it connects. In a \
            terminal, the screen shows every client with its states. 'receive' takes files from \
            'sockscope send' into DIR (default: the current directory; a first word of two is DIR when \
            it names a directory or holds a '/').
            """)

    @Flag(name: .customShort("4"), help: "IPv4 only.") var ipv4 = false
    @Flag(name: .customShort("6"), help: "IPv6 only.") var ipv6 = false
    @Flag(name: .customShort("l"), help: "Listen (what a peer always does; accepted as nc's).") var listen = false
    @Flag(name: .customShort("k"), help: "Keep listening (what a peer always does; accepted as nc's).") var keep = false
    @Flag(name: .customShort("n"), help: "Numeric addresses only for the listener: no DNS.") var numeric = false
    @Flag(name: .customShort("v"), help: "Also a line when each client connects.") var verbose = false
    @OptionGroup var clients: ClientFilterOptions
    @Option(name: .customLong("max-conns"), parsing: .unconditional, help: ArgumentHelp("Clients at once (default 100); more are closed.", valueName: "n"))
    var maxConnections: Int = 100
    @Flag(name: .customLong("json"), help: "Each line a JSON object; no screen.") var json = false
    @Flag(name: [.customLong("tls"), .customLong("ssl")], help: "Serve over TLS: a temporary self-signed certificate unless --tls-cert.")
    var tls = false
    @Option(name: .customLong("tls-cert"), parsing: .unconditional, help: ArgumentHelp("With --tls, our certificate (PEM, with its chain).", valueName: "file"))
    var tlsCert: String?
    @Option(name: .customLong("tls-key"), parsing: .unconditional, help: ArgumentHelp("With --tls-cert, its private key (PEM; default: in the certificate's file).", valueName: "file"))
    var tlsKey: String?
    @Flag(name: .customLong("overwrite"), help: "receive: replace a file of the same name (never a directory).") var overwrite = false
    @Flag(name: .customLong("keep-partial"), help: "receive: keep what arrived of a file cut short as NAME.part (default: removed).")
    var keepPartial = false
    @Flag(inversion: .prefixedNo, help: "Open the screen (default: when standard input and output are terminals and TERM is not dumb).")
    var tui: Bool?
    @Argument(help: ArgumentHelp("The peer, then [host] port.", valueName: "name-host-port"),
              completion: .list(PracticePeer.allCases.map(\.rawValue)))
    var arguments: [String] = []

    func options() throws -> ServeMode.Options {
        var o = ServeMode.Options()
        guard let name = arguments.first else {
            guard !ipv4 && !ipv6 && !listen && !keep && !numeric && !verbose && !json && !tls && tui == nil else {
                throw ValidationError("serve: which peer? 'sockscope serve' lists them")
            }
            return o
        }
        guard let peer = PracticePeer(rawValue: name) else {
            throw ValidationError("serve: no peer named '\(name.terminalSafe)': 'sockscope serve' lists them")
        }
        o.peer = peer
        if !tls && (tlsCert != nil || tlsKey != nil) { throw ValidationError("--tls-cert and --tls-key: with --tls") }
        if tlsKey != nil && tlsCert == nil { throw ValidationError("--tls-key: with --tls-cert") }
        o.tls = tls; o.tlsCert = tlsCert; o.tlsKey = tlsKey
        var positionals = Array(arguments.dropFirst())
        if peer == .receive {
            if let directory = ServeCommand.directory(positionals) {
                o.directory = directory
                positionals.removeFirst()
            }
            o.overwrite = overwrite
            o.keepPartial = keepPartial
        } else if overwrite || keepPartial {
            throw ValidationError("serve: --\(overwrite ? "overwrite" : "keep-partial") is for 'serve receive'")
        }
        var server = ProxyServerOptions()
        server.positionals = positionals
        server.ipv4Only = ipv4; server.ipv6Only = ipv6; server.numeric = numeric; server.verbose = verbose; server.json = json
        server.allow = clients.allow; server.deny = clients.deny; server.maxTunnels = maxConnections
        var netcat = NetcatOptions()
        if let problem = Planning.addressFiles(&netcat, allow: clients.allowFiles, deny: clients.denyFiles) { throw ValidationError(problem.message) }
        server.allow += netcat.allow
        server.deny += netcat.deny
        let plan: ProxyServerPlan
        do {
            plan = try Planning.proxyServer(server)
        } catch {
            throw ValidationError(error.message)
        }
        o.host = plan.host; o.port = plan.port; o.family = plan.family; o.numeric = plan.numeric
        o.verbose = plan.verbose; o.json = plan.json; o.filter = plan.filter; o.maxConnections = plan.maxTunnels
        return o
    }

    /// receive's DIR among `[DIR] [host] port`: the first of three; the first of two when it
    /// names a directory or holds a '/' (a host name never does).
    static func directory(_ positionals: [String]) -> String? {
        guard positionals.count >= 2, let first = positionals.first else { return nil }
        if positionals.count >= 3 || first.contains("/") { return first }
        var info = stat()
        return stat(first, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR ? first : nil
    }

    func validate() throws {
        _ = try options()
        if tui == true {
            if json { throw ValidationError("--tui: --json writes the clients as lines") }
            if !Terminal.isInteractive() { throw ValidationError("--tui needs a terminal on standard input and output (and TERM other than dumb)") }
        }
    }

    func run() throws {
        var o = try options()
        o.interactive = o.peer != nil && (tui ?? Terminal.isInteractive())
        terminate(ServeMode(options: o, io: .process).run())
    }
}
