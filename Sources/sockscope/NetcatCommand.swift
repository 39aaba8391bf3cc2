import ArgumentParser
import SockscopeApp
import SockscopeCore

/// `sockscope [nc] …`: OpenBSD nc's flags, with their meaning (man nc).
struct NetcatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nc",
        abstract: "Dial, listen or scan, piping standard input and output (the default).",
        usage: """
            sockscope [-46CdNnuvz] [-i secs] [-p port] [-q secs] [-s addr] [-w secs] host port ...
            sockscope -l [-46CdkNnuv] [-q secs] [--max-conns n] [host] port
            sockscope -U [-l] [-udNv] [-s path] path
            """,
        discussion: """
            In a terminal, dialing and listening open a screen: the conversation, an input line, \
            the kernel's TCP states of both ends and every transition explained; F1 or /help \
            lists its keys and commands, and as root F9 draws the segments as a ladder.

            Also: 'sockscope states' lists every socket like ss (--events streams each \
            transition as it happens), 'sockscope watch' shows them live in the screen, \
            'sockscope lesson' takes a real connection through TCP step by step (thirteen \
            lessons, each state held), 'sockscope replay' plays a recorded lesson without \
            root, 'sockscope proxy' serves SOCKS and HTTP CONNECT, 'sockscope serve' peers to \
            practise on, 'sockscope probe' times connects, and 'sockscope send' sends a file \
            proved whole by SHA-256. See 'sockscope help \
            COMMAND' and sockscope(1).

            Exit status: 0 on success, 1 on a network or runtime failure, 64 on bad usage.
            """)

    @Flag(name: .customShort("4"), help: "Use IPv4 addresses only.") var ipv4 = false
    @Flag(name: .customShort("6"), help: "Use IPv6 addresses only.") var ipv6 = false
    @Flag(name: .customShort("C"), help: "Send CRLF as line ending (a bare LF becomes CR LF).") var crlf = false
    @Flag(name: .customShort("d"), help: "Do not read from standard input.") var noStdin = false
    @Flag(name: .customShort("k"), help: "With -l, keep listening and serve clients concurrently.") var keep = false
    @Flag(name: .customShort("l"), help: "Listen for an incoming connection instead of dialing.") var listen = false
    @Flag(name: .customShort("N"), help: "Shut down the write half (send FIN) after end of standard input.")
    var shutdownOnEOF = false
    @Flag(name: .customShort("n"), help: "Numeric addresses only: no DNS or service lookups.") var numeric = false
    @Flag(name: .customShort("u"), help: "Use UDP (or Unix datagrams with -U).") var udp = false
    @Flag(name: .customShort("U"), help: "Use a Unix socket; '@name' is an abstract one.") var unixSocket = false
    @Flag(name: .customShort("v"), help: "Verbose: connection messages on standard error.") var verbose = false
    @Flag(name: .customShort("z"), help: "Scan: report which ports accept a connection, send no data.") var scan = false

    // Values parse unconditionally (`-q -1`, `-i -1`): the getopt splitter in main.swift has
    // already paired each flag with its value, as getopt would.
    @Option(name: .customShort("i"), parsing: .unconditional, help: ArgumentHelp("Wait SECS between lines sent and between ports scanned.", valueName: "secs"))
    var interval: Double?
    @Option(name: .customShort("p"), parsing: .unconditional, help: ArgumentHelp("Source port to dial from; with -l, the port to listen on.", valueName: "port"))
    var port: String?
    @Option(name: .customShort("q"), parsing: .unconditional,
            help: ArgumentHelp("After end of standard input, send FIN; quit after SECS seconds with nothing received (0: when the peer finishes; negative: never).", valueName: "secs"))
    var quit: Double?
    @Option(name: .customShort("s"), parsing: .unconditional, help: ArgumentHelp("Source address to dial from (with -U -u: the client's own socket path).", valueName: "addr"))
    var source: String?
    @Option(name: .customShort("w"), parsing: .unconditional, help: ArgumentHelp("Connect timeout and idle timeout in seconds (default: none).", valueName: "secs"))
    var timeout: Double?
    @Option(name: .customLong("hex-dump"), parsing: .unconditional, help: ArgumentHelp("Write both directions to FILE as a timestamped hex dump.", valueName: "file"))
    var hexDump: String?
    @Option(name: .customLong("pcap"), parsing: .unconditional, help: ArgumentHelp("In the screen, as root: write the session's frames to FILE as a pcap file.", valueName: "file"))
    var pcap: String?
    @Option(name: .customLong("pcap-payload"), parsing: .unconditional, help: ArgumentHelp("With --pcap, keep N bytes of each segment's data (default 0: headers only).", valueName: "n"))
    var pcapPayload: Int?
    @Option(name: .customLong("ladder"), parsing: .unconditional, help: ArgumentHelp("In the screen, as root: draw the selected connection's ladder to FILE as SVG when the screen closes.", valueName: "file"))
    var ladder: String?
    @Option(name: .customLong("max-conns"), parsing: .unconditional, help: ArgumentHelp("With -k, connections served at once; more are closed.", valueName: "n"))
    var maxConnections: Int = 100
    @Flag(name: [.customLong("tls"), .customLong("ssl")], help: "Speak TLS over the connection; dialing, the server's certificate is verified.")
    var tls = false
    @Flag(name: .customLong("tls-no-verify"), help: "With --tls, do not verify the server's certificate.")
    var tlsNoVerify = false
    @Option(name: [.customLong("tls-ca"), .customLong("ssl-trustfile")], parsing: .unconditional,
            help: ArgumentHelp("With --tls, trust the certificates in FILE (PEM) instead of the system's.", valueName: "file"))
    var tlsCA: String?
    @Option(name: .customLong("tls-servername"), parsing: .unconditional,
            help: ArgumentHelp("With --tls, the name sent as SNI and checked in the certificate (default: the host typed).", valueName: "name"))
    var tlsServername: String?
    @Option(name: [.customLong("tls-cert"), .customLong("ssl-cert")], parsing: .unconditional,
            help: ArgumentHelp("With --tls: our certificate (PEM), the server's with -l (default: a temporary self-signed one), the client's when dialing.", valueName: "file"))
    var tlsCert: String?
    @Option(name: [.customLong("tls-key"), .customLong("ssl-key")], parsing: .unconditional,
            help: ArgumentHelp("With --tls-cert, its private key (PEM; default: in the certificate's file).", valueName: "file"))
    var tlsKey: String?
    @Option(name: [.customLong("tls-alpn"), .customLong("ssl-alpn")], parsing: .unconditional,
            help: ArgumentHelp("With --tls, ALPN protocols, comma-separated: offered in order, or accepted in order with -l.", valueName: "list"))
    var tlsALPN: String?
    @Option(name: .customLong("tls-min"), parsing: .unconditional, help: ArgumentHelp("With --tls, the lowest version allowed: 1.2 (default) or 1.3.", valueName: "version"))
    var tlsMin: String?
    @Option(name: .customLong("tls-max"), parsing: .unconditional, help: ArgumentHelp("With --tls, the highest version allowed: 1.2 or 1.3 (default).", valueName: "version"))
    var tlsMax: String?
    @Flag(name: .customLong("tls-verify-client"), help: "With -l --tls, every client must present a certificate, verified against --tls-ca or the system's.")
    var tlsVerifyClient = false
    @Option(name: .customLong("keylog"), parsing: .unconditional,
            help: ArgumentHelp("With --tls, append the session's secrets to FILE in the NSS key-log format (also SSLKEYLOGFILE).", valueName: "file"))
    var tlsKeyLog: String?

    @Flag(name: .customLong("send-only"), help: "Only send: what peers send is dropped, and a connection closes once all of standard input has gone to it.")
    var sendOnly = false
    @Flag(name: .customLong("progress"), help: "Bytes and rates each way on standard error (redrawn in place on a terminal, else a line a second); never on standard output.")
    var progress = false
    @Flag(name: .customLong("recv-only"), help: "Only receive: standard input is not read (as -d).")
    var recvOnly = false
    @Flag(name: .customLong("broker"), help: "With -l: every client's bytes go to all the other clients (ncat's connection broker; implies -k).")
    var broker = false
    @Flag(name: .customLong("chat"), help: "With -l: as --broker, line by line, each line with its sender's name.")
    var chat = false
    @OptionGroup var clients: ClientFilterOptions
    @Option(name: [.customShort("e"), .customLong("exec")], parsing: .unconditional,
            help: ArgumentHelp("Behind each connection, run PROG (split on blanks, no shell): the connection is its input and output.", valueName: "prog"))
    var exec: String?
    @Option(name: [.customShort("c"), .customLong("sh-exec")], parsing: .unconditional,
            help: ArgumentHelp("Behind each connection, run /bin/sh -c CMD.", valueName: "cmd"))
    var shellExec: String?
    @Flag(name: .customLong("exec-stderr"), help: "With --exec or --sh-exec, the program's standard error goes to the connection too (else to ours).")
    var execStderr = false
    @OptionGroup var proxy: ProxyOptions
    @Flag(name: .customLong("json"), help: "The session's events (what -v says) as JSON objects, one a line, on standard error; no screen.")
    var json = false
    @Flag(inversion: .prefixedNo,
          help: "Open the interactive screen (default: when standard input and output are terminals and TERM is not dumb).")
    var tui: Bool?

    @Argument(help: ArgumentHelp("host and port(s) to dial; with -l, [host] port; with -U, a path.",
                                 valueName: "host-port-or-path"))
    var arguments: [String] = []

    var options: NetcatOptions {
        var o = NetcatOptions()
        o.ipv4Only = ipv4; o.ipv6Only = ipv6; o.crlf = crlf; o.noStdin = noStdin
        o.keepListening = keep; o.listen = listen; o.shutdownOnEOF = shutdownOnEOF
        o.numeric = numeric; o.udp = udp; o.unixSocket = unixSocket; o.verbose = verbose
        o.scan = scan; o.interval = interval; o.sourcePort = port; o.quitAfterEOF = quit
        o.sourceAddress = source; o.timeout = timeout; o.hexDumpPath = hexDump
        o.pcapPath = pcap; o.ladderPath = ladder; o.pcapPayload = pcapPayload
        o.maxConnections = maxConnections; o.positionals = arguments
        o.tls = tls; o.tlsNoVerify = tlsNoVerify; o.tlsCA = tlsCA; o.tlsServername = tlsServername; o.tlsKeyLog = tlsKeyLog
        o.tlsCert = tlsCert; o.tlsKey = tlsKey; o.tlsALPN = tlsALPN; o.tlsMin = tlsMin; o.tlsMax = tlsMax
        o.tlsVerifyClient = tlsVerifyClient
        o.json = json
        o.exec = exec; o.shellExec = shellExec; o.execStderr = execStderr; o.allow = clients.allow; o.deny = clients.deny; o.broker = broker; o.chat = chat
        o.sendOnly = sendOnly; o.recvOnly = recvOnly; o.progress = progress
        proxy.apply(to: &o)
        return o
    }

    func validate() throws {
        let plan: SessionPlan
        do {
            plan = try Planning.plan(options)
        } catch {
            throw ValidationError(error.message)
        }
        if (pcap != nil || ladder != nil) && tui == false {
            throw ValidationError("--pcap and --ladder need the screen; in scripts use 'sockscope states --events --pcap FILE'")
        }
        if tui == true {
            if let reason = Self.screenUnsupported(plan) { throw ValidationError("--tui: \(reason)") }
            if !Terminal.isInteractive() {
                throw ValidationError("--tui needs a terminal on standard input and output (and TERM other than dumb)")
            }
        }
    }

    /// Sessions the screen does not run (they stay in pipe mode): a scan prints lines.
    static func screenUnsupported(_ plan: SessionPlan) -> String? {
        if plan.mode == .scan { return "a scan (-z) prints its results as lines" }
        if plan.json { return "--json writes the session's events as lines" }
        return nil
    }

    /// Runs the session; `main.swift` turns the status into the process's exit.
    func execute() -> ExitStatus {
        do {
            var options = options
            if let problem = Planning.proxyCredentials(&options, file: proxy.proxyAuthFile) { throw problem }
            if let problem = Planning.addressFiles(&options, allow: clients.allowFiles, deny: clients.denyFiles) { throw problem }
            let plan = try Planning.plan(options)
            let interactive = (tui ?? Terminal.isInteractive()) && Self.screenUnsupported(plan) == nil
            if !interactive && (plan.pcapPath != nil || plan.ladderPath != nil) {
                Diagnostics(fd: 2, verbose: true).error(
                    "--pcap and --ladder need the screen (a terminal); in scripts use 'sockscope states --events --pcap FILE'")
                return .code(64)
            }
            return PipeMode(plan: plan, io: .process, interactive: interactive).run()
        } catch {
            return .code(64)  // validate() has already rejected every UsageError
        }
    }
}
