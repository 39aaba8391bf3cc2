import CLinux
import Glibc
import SockscopeTransport
import SockscopeTUI

/// Every input from the operating system that a mode uses, in one place (DESIGN.md convention 5):
/// production passes the process's own; tests pass pipes and a manual clock.
public struct SystemIO {
    public var stdin: Int32
    public var stdout: Int32
    public var stderr: Int32
    /// Seconds on a monotonic clock, for deadlines.
    public var monotonic: () -> Double
    /// Seconds since the epoch, for timestamps shown to people.
    public var wallClock: () -> Double
    /// Environment variables (TERM, NO_COLOR, SOCKSCOPE_TRACE_BUFFER_KB, SOCKSCOPE_TRACE,
    /// SOCKSCOPE_CAPTURE_BUFFER_KB).
    public var environment: (String) -> String?
    /// Where /proc is (the socket tables' fallback and the owners).
    public var procRoot = "/proc"
    /// Starts the tracepoint source, or says why it is off (tests keep it off).
    public var startTracing: (_ bufferKB: Int?, _ forceTracefs: Bool) throws(TransportError) -> any TransitionFeed = {
        kb, forced throws(TransportError) in try TraceSource(bufferKB: kb, forceTracefs: forced)
    }
    /// Starts the capture (each frame's headers and `payload` bytes of data, into a ring of
    /// `bufferKB` or the default), or says why it is off.
    public var startCapture: (_ payload: Int, _ bufferKB: Int?) throws(TransportError) -> any SegmentFeed = {
        payload, kb throws(TransportError) in try SegmentSource(payload: payload, bufferKB: kb)
    }
    /// The socket tables under a /proc (sock_diag where it answers).
    public var openSocketTable: (_ procRoot: String) -> any SocketTable = { root in ProcNetReader(root: root) }
    /// A lesson's laboratory, or why there can be none (root, nft, a namespace).
    public var makeLab: (_ forceTracefs: Bool) throws(TransportError) -> any Lab = {
        forced throws(TransportError) in try LessonLab(forceTracefs: forced)
    }
    /// Blocks these signals and returns a signalfd that reports them (-1 when none can be had).
    public var signalDescriptor: ([Int32]) -> Int32 = { signals in clinux_signalfd(signals, Int32(signals.count)) }
    /// Stops the process as Ctrl-Z does, until it is continued (tests only count).
    public var stopProcess: () -> Void = { clinux_stop_by_sigtstp() }
    /// Opens the screen (the terminal through curses; a CellGrid in tests).
    public var makeScreen: (_ colours: Bool) throws -> Screen = { colours in try CursesScreen(colours: colours) }

    public init(stdin: Int32, stdout: Int32, stderr: Int32,
                monotonic: @escaping () -> Double, wallClock: @escaping () -> Double,
                environment: @escaping (String) -> String? = { _ in nil }) {
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.monotonic = monotonic
        self.wallClock = wallClock
        self.environment = environment
    }

    /// NO_COLOR (no-color.org): present and not empty turns colours off.
    public var wantsColour: Bool { environment("NO_COLOR").map(\.isEmpty) ?? true }

    /// SOCKSCOPE_TRACE_BUFFER_KB: the tracing ring buffer per CPU, when set to 64…1048576 KiB.
    public var traceBufferKB: Int? {
        guard let text = environment("SOCKSCOPE_TRACE_BUFFER_KB"), let kb = Int(text), (64...1_048_576).contains(kb) else { return nil }
        return kb
    }

    /// SOCKSCOPE_CAPTURE_BUFFER_KB: the capture's ring, when set to 1024…1048576 KiB.
    public var captureBufferKB: Int? {
        guard let text = environment("SOCKSCOPE_CAPTURE_BUFFER_KB"), let kb = Int(text), (1024...1_048_576).contains(kb) else {
            return nil
        }
        return kb
    }

    /// SOCKSCOPE_TRACE=tracefs: transitions from the tracefs reader even where eBPF loads.
    public var tracefsForced: Bool { environment("SOCKSCOPE_TRACE") == "tracefs" }

    /// The first thing the process does, before anything opens a descriptor or a signal can
    /// arrive: closed standard descriptors are occupied (`Descriptor`), and SIGQUIT gets its
    /// default action back — the Swift runtime's crash handler would print a backtrace (and wait
    /// at a prompt in a terminal) instead of letting the process die by it, as nc does.
    public static func prepareProcess() {
        Descriptor.occupyClosedStandardDescriptors()
        signal(SIGQUIT, SIG_DFL)
    }

    /// The signals that end the tool: each mode blocks them and reads them from a signalfd in its
    /// loop, restores what it changed (the terminal, tracefs) and then dies by the signal.
    public static let endingSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]
    /// The screen's: besides those, a resize and Ctrl-Z with its continuation.
    public static let screenSignals: [Int32] = endingSignals + [SIGWINCH, SIGTSTP, SIGCONT]

    public static var process: SystemIO {
        SystemIO(stdin: 0, stdout: 1, stderr: 2,
                 monotonic: { clockSeconds(CLOCK_MONOTONIC) }, wallClock: { clockSeconds(CLOCK_REALTIME) },
                 environment: { getenv($0).map { String(cString: $0) } })
    }

    static func clockSeconds(_ id: clockid_t) -> Double {
        var now = timespec()
        clock_gettime(id, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
