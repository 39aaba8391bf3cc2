import SockscopeCore

/// What the modes take from the kernel, as protocols: `SystemIO` hands out the real sources
/// (`TraceSource`, `SegmentSource`, `ProcNetReader`, `LessonLab`), tests hand out fakes, so that
/// every mode — events, watch, the screen, lessons — runs in-process without root.

/// One read of the tracepoint.
public struct TraceBatch {
    /// This namespace's transitions, in order.
    public var events: [TraceEvent]
    /// Records the kernel lost meanwhile.
    public var lost: Int
    /// This namespace's destroy notices overflowed (tracefs: some short-lived sockets cannot be placed).
    public var notices: Bool
    /// The RSTs this namespace's sockets sent or received (eBPF).
    public var resets: [ResetTracepoints.Reset]
    /// The segments this namespace's sockets sent again (eBPF).
    public var retransmits: [RetransmitTracepoint.Retransmit]

    public init(events: [TraceEvent] = [], lost: Int = 0, notices: Bool = false, resets: [ResetTracepoints.Reset] = [],
                retransmits: [RetransmitTracepoint.Retransmit] = []) {
        self.events = events
        self.lost = lost
        self.notices = notices
        self.resets = resets
        self.retransmits = retransmits
    }
}

/// The tracepoint's transitions (`TraceSource`: eBPF, else tracefs).
public protocol TransitionFeed: AnyObject {
    var origin: TraceSource.Origin { get }
    /// Whether endings are explained by the kernel's own reports of RSTs.
    var reportsResets: Bool { get }
    /// How long the fusion waits for a late record (`TransitionFusion.patience`).
    var fusionPatience: Double { get }
    /// Why eBPF is not in use, when tracefs is.
    var bpfUnavailable: String? { get }
    /// Poll these for POLLIN.
    var descriptors: [Int32] { get }
    /// What is known since the last call; `pages` bounds the work (tracefs pages per CPU).
    func read(now: Double, pages: Int) -> TraceBatch
    /// What a reader that stopped now would leave: unread records, and records not yet placed.
    func leftover() -> (unread: Int, unplaced: Int)
    /// An exact lookup of one connection's socket in this namespace.
    func state(of key: ConnectionKey) -> TCPState?
    func stop()
}

extension TransitionFeed {
    public func read(now: Double) -> TraceBatch { read(now: now, pages: 256) }
}

/// One read of the capture.
public struct CaptureBatch {
    public var segments: [Segment]
    /// Frames the kernel dropped since the last read (the reader fell behind).
    public var dropped: Int
    /// `--pcap` stopped, said once.
    public var pcapFailure: String?

    public init(segments: [Segment] = [], dropped: Int = 0, pcapFailure: String? = nil) {
        self.segments = segments
        self.dropped = dropped
        self.pcapFailure = pcapFailure
    }
}

/// Segments on the wire (`SegmentSource`: AF_PACKET on lo).
public protocol SegmentFeed: AnyObject {
    var descriptor: Int32 { get }
    /// The kernel keeps only frames with one of these ports (all when empty).
    func setPorts(_ ports: [UInt16])
    /// The segments waiting that `keep` accepts.
    func read(keep: (DecodedFrame) -> Bool) -> CaptureBatch
    /// Every frame kept from now on into a pcap file; with `secrets`, pcapng that also holds
    /// what `recordSecrets` is given.
    func recordPcap(to path: String, secrets: Bool, signalFD: Int32, onWaiting: () -> Void) throws(OutputFile.OpenFailure)
    /// A TLS session's key-log lines, into the pcapng file (nothing without one).
    func recordSecrets(_ lines: [String])
    /// A TLS handshake begins (true) or ends (false): the pcapng holds frames back meanwhile,
    /// so that the handshake's secrets are written before them.
    func holdFrames(_ on: Bool)
}

/// The socket tables (`ProcNetReader`: sock_diag, else /proc/net).
public protocol SocketTable: AnyObject {
    /// The sockets of these protocols; `info`, where given, gets each TCP socket's TCP_INFO.
    func read(_ protocols: [SocketProtocol], info: ((SocketEntry, TCPInfo) -> Void)?) -> [SocketEntry]
}

extension SocketTable {
    public func read(_ protocols: [SocketProtocol]) -> [SocketEntry] { read(protocols, info: nil) }
}

/// A lesson's laboratory (`LessonLab`: a namespace, nft holds, capture, nflog, tracepoint).
public protocol Lab: AnyObject {
    /// Everything observed of the kernel so far: the checks' evidence.
    var observation: LabObservation { get }
    /// Whether a round reads the kernel's counters (only while a step expects one).
    var readsCounters: Bool { get set }
    /// Why the tracepoint is off (transitions are then told by the table alone).
    var traceUnavailable: String? { get }
    /// The holds in force, in the order they were put on.
    var heldNames: [String] { get }
    /// What to poll for POLLIN between rounds.
    var descriptors: [Int32] { get }
    func perform(_ action: LabAction) throws(TransportError)
    /// What the last action's call returned, as strace writes it (`0`, `-1 EAGAIN`, `65536 of
    /// 1000000`), with what it means; nil for what is not a socket call (a hold, a sysctl).
    var lastResult: String? { get }
    /// One round: the segments ready to be told and the transitions traced.
    func round() -> (segments: ArraySlice<LabSegment>, transitions: [TraceEvent])
    /// Every segment not yet told, at the end of a step.
    func flush() -> ArraySlice<LabSegment>
    /// Where a connection the tracepoint saw enter CLOSE went: TIME_WAIT, FIN_WAIT2, or nil.
    func timewaitState(_ key: ConnectionKey) -> TCPState?
    func stop()
}

extension Lab {
    public var lastResult: String? { nil }
}

extension TraceSource: TransitionFeed {}
extension SegmentSource: SegmentFeed {}
extension ProcNetReader: SocketTable {}
extension LessonLab: Lab {}
