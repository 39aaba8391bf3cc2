import ArgumentParser
import SockscopeApp
import SockscopeCore

/// `sockscope send FILE HOST PORT`: a file to `sockscope serve receive`, proved by SHA-256.
struct SendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send FILE to 'sockscope serve receive' at HOST PORT; exit 0 only when the receiver's SHA-256 is ours.",
        discussion: """
            The protocol is a line each way, then the content, then the receiver's SHA-256 \
            (sockscope(1), FILE TRANSFER). Progress on standard error when it is a terminal \
            (--progress: always); the result, a line, on standard output. Exit status: 0 when the \
            file arrived whole, 1 otherwise, 64 on bad usage.
            """)

    @Flag(name: .customShort("4"), help: "IPv4 only.") var ipv4 = false
    @Flag(name: .customShort("6"), help: "IPv6 only.") var ipv6 = false
    @Flag(name: .customShort("n"), help: "Numeric addresses only: no DNS.") var numeric = false
    @Flag(name: .customShort("v"), help: "Say when connected.") var verbose = false
    @Option(name: .customShort("w"), parsing: .unconditional, help: ArgumentHelp("Seconds to wait for the connect and for each answer (default: no limit).", valueName: "secs"))
    var timeout: Double?
    @Option(name: .customLong("as"), help: ArgumentHelp("The name it is sent under (default: FILE's last component).", valueName: "name"))
    var name: String?
    @Flag(inversion: .prefixedNo, help: "Progress on standard error (default: when it is a terminal).") var progress: Bool?
    @Flag(name: .customLong("json"), help: "The result as a JSON object.") var json = false
    @OptionGroup var tls: TLSClientOptions
    @OptionGroup var proxy: ProxyOptions
    @Argument(help: "The file to send.") var file: String
    @Argument(help: "The receiver's host.") var host: String
    @Argument(help: "Its port.") var port: String

    func options() throws -> SendMode.Options {
        if ipv4 && ipv6 { throw ValidationError("cannot use -4 and -6") }
        if let timeout { guard timeout.isFinite, timeout >= 0.001, timeout <= 86400 else { throw ValidationError("-w: 0.001 to 86400 seconds") } }
        var o = SendMode.Options()
        o.path = file
        o.name = name
        o.host = host
        o.family = ipv4 ? .inet : (ipv6 ? .inet6 : .any)
        o.numeric = numeric
        o.timeout = timeout
        o.progress = progress
        o.json = json
        o.verbose = verbose
        o.tls = try tls.choice()
        o.proxy = try proxy.choice()
        o.port = try portArgument(port)
        return o
    }

    func validate() throws { _ = try options() }

    func run() throws { terminate(SendMode(options: try options(), io: .process).run()) }
}
