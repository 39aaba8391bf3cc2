import ArgumentParser
import SockscopeApp
import SockscopeCore

/// `sockscope watch`: the screen's state table and transition log, without a session.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Watch every socket's state and each transition, explained, in a live screen (a live ss).",
        discussion: """
            Needs a terminal. Transitions come from the sock/inet_sock_set_state tracepoint as root, \
            and from the socket tables every --interval seconds otherwise. In scripts, use \
            'sockscope states --events'.
            """)

    @Flag(name: [.customShort("t"), .long], help: "TCP sockets only.") var tcp = false
    @Flag(name: [.customShort("u"), .long], help: "UDP sockets only.") var udp = false
    @Flag(name: .customShort("4"), help: "IPv4 sockets only.") var ipv4 = false
    @Flag(name: .customShort("6"), help: "IPv6 sockets only.") var ipv6 = false
    @Flag(name: [.customShort("l"), .long], help: "Listening sockets only (and unconnected UDP).") var listening = false
    @Option(help: ArgumentHelp("Only these states, comma-separated (e.g. ESTABLISHED,TIME_WAIT).", valueName: "list"))
    var state: String?
    @Option(help: ArgumentHelp("Only sockets with this port at either end.", valueName: "n")) var port: UInt16?
    @Option(help: ArgumentHelp("How often the socket tables are read, in seconds.", valueName: "secs"))
    var interval: Double = 0.5

    func validate() throws {
        if ipv4 && ipv6 { throw ValidationError("cannot use -4 and -6") }
        if !(interval >= 0.05 && interval.isFinite) { throw ValidationError("--interval must be at least 0.05") }
        if let state {
            do { _ = try StatesFilter.stateNames(state) } catch { throw ValidationError(error.message) }
        }
        if !Terminal.isInteractive() {
            throw ValidationError("watch needs a terminal on standard input and output (and TERM other than dumb); in scripts use 'sockscope states --events'")
        }
    }

    func run() throws {
        var filter = StatesFilter()
        filter.tcp = tcp
        filter.udp = udp
        filter.ipv4Only = ipv4
        filter.ipv6Only = ipv6
        filter.listening = listening
        filter.port = port
        filter.states = (try? state.map(StatesFilter.stateNames)) ?? []
        terminate(WatchMode(filter: filter, interval: interval, io: .process).run())
    }
}
