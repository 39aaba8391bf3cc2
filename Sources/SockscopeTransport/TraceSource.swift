import CLinux
import Glibc
import SockscopeCore

/// Every TCP transition of this network namespace, as the tracepoint saw it: `TraceSession`'s
/// system-wide events through a `NamespaceSieve`, which this type feeds with exact sock_diag
/// lookups and with this namespace's destroy notices (DESIGN.md source 3). The modes poll
/// `descriptors` and call `read` when one is ready, and at least every few seconds.
public final class TraceSource {
    let session: TraceSession
    var sieve = NamespaceSieve()
    let lookup: SocketLookup
    let destroyFD: Int32
    private var notices = [clinux_diag_entry](repeating: clinux_diag_entry(), count: 1024)
    private var overflowReported = 0

    /// Throws the reason tracing is off: needing root, tracefs, or sock_diag to tell namespaces
    /// apart (without it every namespace's sockets would be shown as ours).
    public init(root: String = "/sys/kernel/tracing", bufferKB: Int? = nil) throws(TransportError) {
        let lookup = SocketLookup()
        let destroy = lookup == nil ? -1 : clinux_diag_destroy_open()
        guard let lookup, destroy >= 0 else {
            throw TransportError("sock_diag, needed to keep other network namespaces' sockets out, is unavailable: \(String(cString: strerror(errno)))")
        }
        do {
            session = try TraceSession(root: root, bufferKB: bufferKB)
        } catch {
            close(destroy)
            throw error
        }
        self.lookup = lookup
        destroyFD = destroy
    }

    deinit {
        stop()
        close(destroyFD)
    }

    public func stop() { session.stop() }

    public static let noticesLostText =
        "sock_diag destroy notices overflowed while the reader was busy: transitions of some short-lived sockets of this namespace are missing"

    /// The ring buffers and the destroy notices: poll these for POLLIN.
    public var descriptors: [Int32] { session.descriptors + [destroyFD] }

    /// This namespace's transitions known since the last call (in order, but for a moment's
    /// wait on a socket's verdict), and how many records the kernel lost meanwhile.
    /// `notices`: this namespace's destroy notices overflowed their buffer since the last call,
    /// so some short-lived sockets of ours cannot be placed and their transitions are missing.
    public func read(now: Double, pages: Int = 256) -> (events: [TraceEvent], lost: Int, notices: Bool) {
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
        return (released, batch.lost + overflowed, noticesLost)
    }

    /// What a reader that stopped now would leave: records still in the kernel's buffers, and
    /// transitions read but not yet placed in a namespace (they may be another namespace's).
    public func leftover() -> (unread: Int, unplaced: Int) { (session.unread(), sieve.undecided) }

    /// The state of this namespace's socket with the key's addresses and ports: nil when there is
    /// none (an exact lookup, not a dump that a busy table can change under).
    public func state(of key: SnapshotDiffer.Key) -> TCPState? { lookup.state(of: key) }

    func exists(_ tuple: NamespaceSieve.Tuple) -> Bool { lookup.exists(tuple) }

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
                sieve.destroyed(.init(ipv6: v6,
                                      local: SockDiagReader.endpoint(notice.local, port: notice.local_port, v6: v6),
                                      remote: SockDiagReader.endpoint(notice.remote, port: notice.remote_port, v6: v6)),
                                at: now)
            }
            if count < Int32(notices.count) { return lost }
        }
    }
}
