import ArgumentParser
import SockscopeApp
import SockscopeCore

/// `sockscope states`: every socket and its state, like `ss -tuan`, with --json and --events.
struct StatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "states",
        abstract: "Show every TCP and UDP socket with its state, or stream state transitions (--events).",
        discussion: """
            Reads the socket tables through sock_diag netlink, as ss does (else \
            /proc/net/{tcp,tcp6,udp,udp6}); owners come from /proc/PID/fd where readable. \
            With --events, transitions come from the kernel's sock/inet_sock_set_state tracepoint \
            (as root, through tracefs) and from /proc polling, which alone misses states shorter \
            than the polling interval.
            """)

    @OptionGroup var filters: SocketFilterOptions
    @Flag(name: [.customShort("p"), .long], inversion: .prefixedNo,
          help: "Look up each socket's owning process (default: when at most 5,000 sockets are shown).")
    var processes: Bool?
    @Flag(help: "JSON: an array of objects; with --events, one object per line.") var json = false
    @Flag(help: "Stream transitions as they happen, until interrupted or --duration.") var events = false
    // Values parse unconditionally, so that `--duration -1` is judged as a number.
    @Option(parsing: .unconditional, help: ArgumentHelp("With --events, stop after SECS seconds.", valueName: "secs"))
    var duration: Double?
    @Flag(help: "With --events, also the segments behind the transitions (SYN, ACK, FIN, RST with seq, ack, window), from a capture on lo (root).")
    var segments = false
    @Option(help: ArgumentHelp("With --events, write the captured frames to FILE as a pcap file (nanosecond timestamps; root).", valueName: "file"))
    var pcap: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("With --pcap, keep N bytes of each segment's data (default 0: headers only).", valueName: "n"))
    var pcapPayload: Int?
    @Option(parsing: .unconditional, help: ArgumentHelp("With --events, how often /proc is read, in seconds (default 0.1).", valueName: "secs"))
    var interval: Double?

    func validate() throws {
        if let duration, !(duration > 0 && duration.isFinite) { throw ValidationError("--duration must be a positive number") }
        if let interval, !(interval >= 0.001 && interval.isFinite) { throw ValidationError("--interval must be at least 0.001") }
        if duration != nil && !events { throw ValidationError("--duration needs --events") }
        if interval != nil && !events { throw ValidationError("--interval needs --events") }
        if segments && !events { throw ValidationError("--segments needs --events") }
        if pcap != nil && !events { throw ValidationError("--pcap needs --events") }
        if let pcap, pcap.isEmpty { throw ValidationError("--pcap needs a file name") }
        if let pcapPayload, let problem = PcapPayload.problem(pcapPayload, pcap: pcap != nil) { throw ValidationError(problem) }
    }

    func run() throws {
        var options = StatesMode.Options()
        options.filter = filters.filter
        options.processes = processes
        options.json = json
        options.events = events
        options.duration = duration
        options.interval = interval ?? options.interval
        options.segments = segments
        options.pcapPath = pcap
        options.pcapPayload = pcapPayload ?? 0
        terminate(StatesMode(options: options, io: .process).run())
    }
}
