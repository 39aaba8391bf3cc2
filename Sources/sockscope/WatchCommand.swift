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

    @OptionGroup var filters: SocketFilterOptions
    @Option(parsing: .unconditional, help: ArgumentHelp("How often the socket tables are read, in seconds.", valueName: "secs"))
    var interval: Double = 0.5
    @Option(help: ArgumentHelp("Write the frames the filters pass to FILE as a pcap file (nanosecond timestamps; root).", valueName: "file"))
    var pcap: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("With --pcap, keep N bytes of each segment's data (default 0: headers only).", valueName: "n"))
    var pcapPayload: Int?

    func validate() throws {
        if !(interval >= 0.05 && interval.isFinite) { throw ValidationError("--interval must be at least 0.05") }
        if let pcap, pcap.isEmpty { throw ValidationError("--pcap needs a file name") }
        if let pcapPayload, let problem = PcapPayload.problem(pcapPayload, pcap: pcap != nil) { throw ValidationError(problem) }
    }

    /// The terminal is checked here, after parsing: a stray argument (`watch extra`) is reported
    /// as such, not as a missing terminal.
    func run() throws {
        guard Terminal.isInteractive() else {
            throw ValidationError("watch needs a terminal on standard input and output (and TERM other than dumb); in scripts use 'sockscope states --events'")
        }
        terminate(WatchMode(filter: filters.filter, interval: interval, io: .process, pcapPath: pcap,
                            pcapPayload: pcapPayload ?? 0).run())
    }
}
