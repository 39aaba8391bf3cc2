import SockscopeCore

/// What the engine needs to know about the session, besides its descriptors.
public struct EngineSettings: Sendable {
    public var rules: RelayRules
    /// Pipe mode reads standard input (not under -d); the screen never does (keys come through
    /// its face).
    public var readStdin: Bool
    /// Datagram peers: each read of standard input (or each typed line) leaves as one datagram.
    public var datagram: Bool
    public var crlf: Bool
    /// -i: release standard input one line per interval.
    public var interval: Double?
    /// -w: when no byte moves for this long once connected, the connections end.
    public var idleTimeout: Double?
    /// --max-conns: connections (or datagram peers) served at once under -k.
    public var maxConnections: Int
    /// Each direction's buffer. 1 MiB measured fastest here (shared/notes/measured-here.md); the
    /// screen reads 64 KiB at a time, so that keys are handled between reads during a flood.
    public var bufferSize: Int
    /// The screen: input is typed, per connection, and ends by Ctrl-D (never by EOF).
    public var interactive: Bool
    /// --allow / --deny: the clients a listener keeps.
    public var filter: AddressFilter?
    /// --send-only: what peers send is read (so their windows stay open) and dropped.
    public var discardReceived = false
    /// How long a face's dial (`Engine.dial`) may take its handshake (nil: the kernel's limit).
    public var dialTimeout: Double?

    public init(plan: SessionPlan, interactive: Bool = false, bufferSize: Int? = nil) {
        self.interactive = interactive
        rules = RelayRules(plan: plan, interactive: interactive)
        readStdin = plan.readStdin && !interactive
        datagram = plan.datagram
        crlf = plan.crlf && !interactive
        interval = interactive ? nil : plan.interval
        idleTimeout = plan.timeout
        maxConnections = plan.maxConnections
        self.bufferSize = bufferSize ?? (interactive ? 1 << 16 : 1 << 20)
        filter = plan.filter
        discardReceived = plan.sendOnly && !interactive
    }

    /// `sockscope watch`: no session, no input; the engine runs for the screen alone.
    public static var watching: EngineSettings {
        EngineSettings(rules: RelayRules(endOfInput: .keepOpen, listening: false, keepListening: true))
    }

    public init(rules: RelayRules) {
        self.rules = rules
        readStdin = false
        datagram = false
        crlf = false
        interactive = true
        maxConnections = 1
        bufferSize = 1 << 16
    }
}
