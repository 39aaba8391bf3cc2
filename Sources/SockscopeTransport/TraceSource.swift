import CLinux
import Glibc
import SockscopeCore

/// Every TCP transition of this network namespace, as the kernel saw it (DESIGN.md source 3).
/// From eBPF where it loads (`KernelTransitions`: the namespace is read in the kernel, other
/// namespaces' transitions never reach us); else from tracefs (`TraceSession`: every namespace's
/// events through a `NamespaceSieve`, which this type feeds with exact sock_diag lookups and with
/// this namespace's destroy notices). The modes poll `descriptors` and call `read` when one is
/// ready, and at least every few seconds.
public final class TraceSource {
    /// Where the transitions come from, as the start line, the header and JSON name it.
    public enum Origin: String, Sendable {
        case bpf = "ebpf"
        case tracefs
        /// As a person reads it.
        public var name: String { self == .bpf ? "eBPF" : "tracefs" }
    }

    public var origin: Origin { kernel != nil ? .bpf : .tracefs }
    /// Whether the kernel reports this namespace's RSTs (eBPF on tcp_send_reset and
    /// tcp_receive_reset): endings are then explained without the capture.
    public var reportsResets: Bool { kernel.map { !$0.attachedEvents.isDisjoint(with: $0.resets.copies.map(\.eventID)) } ?? false }
    /// Whether the kernel reports this namespace's retransmissions (eBPF on tcp_retransmit_skb).
    public var reportsRetransmits: Bool {
        guard let kernel, let retransmits = kernel.retransmits else { return false }
        return kernel.attachedEvents.contains(retransmits.copy.eventID)
    }
    /// How long the fusion waits for a late record before the tables' word stands (see
    /// `TransitionFusion.patience`): eBPF's records come in order, tracefs's through the sieve.
    public var fusionPatience: Double { origin == .bpf ? TransitionFusion.ebpfPatience : TransitionFusion.tracefsPatience }
    /// Why eBPF is not in use, when tracefs is.
    public let bpfUnavailable: String?
    let kernel: KernelTransitions?
    let session: TraceSession?
    var sieve = NamespaceSieve()
    let lookup: SocketLookup
    let destroyFD: Int32
    private var notices = [clinux_diag_entry](repeating: clinux_diag_entry(), count: 1024)
    private var overflowReported = 0

    /// What `SOCKSCOPE_TRACE=tracefs` asks for: the fallback, as where eBPF cannot load.
    public static let forcedFallback = "forced by SOCKSCOPE_TRACE=tracefs"

    /// Throws the reason tracing is off: needing root, tracefs, or sock_diag (for the exact
    /// lookups behind TIME_WAIT, and, with tracefs, to tell namespaces apart).
    /// `bufferKB`: the kernel's buffer (per CPU for tracefs; the ring, for eBPF).
    /// `forceTracefs`: skip eBPF (SOCKSCOPE_TRACE=tracefs), to use or test the fallback.
    public init(root: String = "/sys/kernel/tracing", bufferKB: Int? = nil, forceTracefs: Bool = false) throws(TransportError) {
        guard geteuid() == 0 else { throw TransportError("needs root") }
        guard let lookup = SocketLookup() else { throw Self.sockDiagUnavailable() }
        self.lookup = lookup
        var reason = Self.forcedFallback
        if !forceTracefs {
            do {
                kernel = try KernelTransitions(root: root, bufferKB: bufferKB ?? Self.defaultRingKB)
                bpfUnavailable = nil
                session = nil
                destroyFD = -1
                return
            } catch {
                reason = error.description
            }
        }
        kernel = nil
        bpfUnavailable = reason
        let destroy = clinux_diag_destroy_open()
        guard destroy >= 0 else { throw Self.sockDiagUnavailable() }
        do {
            session = try TraceSession(root: root, bufferKB: bufferKB)
        } catch {
            close(destroy)
            throw error
        }
        destroyFD = destroy
    }

    /// Without sock_diag, neither TIME_WAIT's handoff nor (with tracefs) this namespace's
    /// sockets can be told exactly: the tracepoint stays off rather than show a guess.
    static func sockDiagUnavailable() -> TransportError {
        TransportError("sock_diag, needed to keep other network namespaces' sockets out, is unavailable: \(String(cString: strerror(errno)))")
    }

    /// The eBPF ring when not asked otherwise: 16 MiB, some 170,000 transitions of ours.
    static let defaultRingKB = 16384

    deinit {
        stop()
        if destroyFD >= 0 { close(destroyFD) }
    }

    public func stop() {
        kernel?.stop()
        session?.stop()
    }

    public static let noticesLostText =
        "sock_diag destroy notices overflowed while the reader was busy: transitions of some short-lived sockets of this namespace are missing"

    /// The ring buffers and the destroy notices: poll these for POLLIN.
    public var descriptors: [Int32] {
        if let kernel { return kernel.descriptor >= 0 ? [kernel.descriptor] : [] }
        return (session?.descriptors ?? []) + [destroyFD]
    }

    /// This namespace's transitions known since the last call (in order, but for a moment's
    /// wait on a socket's verdict with tracefs), and how many the kernel lost meanwhile.
    /// `notices`: this namespace's destroy notices overflowed their buffer since the last call,
    /// so some short-lived sockets of ours cannot be placed and their transitions are missing.
    /// `pages`: how much to read at most, in tracefs pages per CPU (about 50 records each).
    /// `resets`: with eBPF, the RSTs this namespace's sockets sent or received (the kernel's
    /// tcp_send_reset and tcp_receive_reset), to explain the endings they cause.
    /// `retransmits`: with eBPF, the segments this namespace's sockets sent again.
    public func read(now: Double, pages: Int = 256) -> TraceBatch {
        if let kernel {
            let batch = kernel.read(limit: max(1, pages) * 50)
            return TraceBatch(events: batch.events, lost: batch.lost, resets: batch.resets, retransmits: batch.retransmits)
        }
        guard let session else { return TraceBatch() }
        let batch = session.read(pages: pages)
        sieve.add(batch.events, at: now)
        for (life, tuple) in sieve.wanted() {
            sieve.lookedUp(life, found: exists(tuple))
        }
        let noticesLost = readNotices(now: now)
        let released = sieve.release(now: now)
        // Events pushed out of the sieve before their verdict are lost like overwritten records.
        let overflowed = sieve.overflowed - overflowReported
        overflowReported = sieve.overflowed
        return TraceBatch(events: released, lost: batch.lost + overflowed, notices: noticesLost)
    }

    /// What a reader that stopped now would leave: records still in the kernel's buffers, and
    /// transitions read but not yet placed in a namespace (they may be another namespace's).
    public func leftover() -> (unread: Int, unplaced: Int) {
        if let kernel { return (kernel.unread(), 0) }
        return (session?.unread() ?? 0, sieve.undecided)
    }

    /// The state of this namespace's socket with the key's addresses and ports: nil when there is
    /// none (an exact lookup, not a dump that a busy table can change under).
    public func state(of key: ConnectionKey) -> TCPState? { lookup.state(of: key) }

    func exists(_ tuple: ConnectionKey) -> Bool { lookup.exists(tuple) }

    /// Feeds the sieve every notice waiting; returns whether some were lost (ENOBUFS).
    func readNotices(now: Double) -> Bool {
        var lost = false
        while true {
            let count = notices.withUnsafeMutableBufferPointer { buffer in
                clinux_diag_destroy_read(destroyFD, buffer.baseAddress, Int32(buffer.count))
            }
            if count < 0 && errno == ENOBUFS {
                lost = true
                continue
            }
            guard count > 0 else { return lost }
            for notice in notices[0..<Int(count)] where notice.family == UInt8(AF_INET) || notice.family == UInt8(AF_INET6) {
                let v6 = notice.family == UInt8(AF_INET6)
                sieve.destroyed(.init(proto: v6 ? .tcp6 : .tcp,
                                      local: SockDiagReader.endpoint(notice.local, port: notice.local_port, v6: v6),
                                      remote: SockDiagReader.endpoint(notice.remote, port: notice.remote_port, v6: v6)),
                                at: now)
            }
            if count < Int32(notices.count) { return lost }
        }
    }
}
