import ArgumentParser
import SockscopeCore

/// The socket filters `states` and `watch` share (ss's -t -u -4 -6 -l, plus --state and --port).
struct SocketFilterOptions: ParsableArguments {
    @Flag(name: [.customShort("t"), .long], help: "TCP sockets only.") var tcp = false
    @Flag(name: [.customShort("u"), .long], help: "UDP sockets only.") var udp = false
    @Flag(name: .customShort("4"), help: "IPv4 sockets only.") var ipv4 = false
    @Flag(name: .customShort("6"), help: "IPv6 sockets only.") var ipv6 = false
    @Flag(name: [.customShort("l"), .long], help: "Listening sockets only (and unconnected UDP).") var listening = false
    @Option(help: ArgumentHelp("Only these states, comma-separated (e.g. ESTABLISHED,TIME_WAIT, or UNCONN).", valueName: "list"))
    var state: String?
    // Unconditional, so that `--port -1` is judged as a value, not taken for an option.
    @Option(parsing: .unconditional, help: ArgumentHelp("Only sockets with this port at either end.", valueName: "n"))
    var port: UInt16?

    func validate() throws {
        if ipv4 && ipv6 { throw ValidationError("cannot use -4 and -6") }
        if let state {
            do { _ = try StatesFilter.states(state) } catch { throw ValidationError(error.message) }
        }
    }

    var filter: StatesFilter {
        var filter = StatesFilter()
        filter.tcp = tcp
        filter.udp = udp
        filter.ipv4Only = ipv4
        filter.ipv6Only = ipv6
        filter.listening = listening
        filter.port = port
        filter.states = (try? state.map(StatesFilter.states)) ?? []
        return filter
    }
}
