import CLinux
import Glibc
import SockscopeCore

/// A lesson's laboratory: a network namespace of its own, entered by this thread (the main one,
/// which runs everything the lab does), with `lo` at MTU 1500 and without segment offload so that
/// segments look like a real network's; an nft table whose input chain holds the holds; the
/// capture on its `lo`, nflog for what the holds drop, the tracepoint for transitions; and the
/// sockets of both ends. Nothing outside the namespace is touched but a tracing instance of our
/// own (removed on exit, and by the next start if we were killed). The namespace has no name: the
/// kernel removes it, rules and qdisc included, when the process ends, however it ends.
public final class LessonLab {
    public static let table = "sockscope_lesson"
    static let traceBufferKB = 2048
    /// Where `slowWire` sends its filler: a port nobody has, on an address no lesson uses.
    static let fillerSink = SocketEndpoint(address: IPAddress(ipv4: 0x7F00_0003), port: 9)

    public internal(set) var observation = LabObservation()
    /// Whether a round reads /proc/net/netstat and snmp: only while a step expects a counter
    /// (two files a round for nothing otherwise).
    public var readsCounters = false
    /// Why the tracepoint is off (transitions are then told by the table readings alone).
    public private(set) var traceUnavailable: String?
    let capture: SegmentSource
    let drops: DropLog
    let trace: TraceSource?
    var sockets: [String: Int32] = [:]
    var connecting: Set<String> = []
    var reading: Set<String> = []
    var outbound: [String: Int] = [:]
    /// Socket options asked for, by end (SO_RCVBUF, SO_REUSEADDR, TCP_USER_TIMEOUT,
    /// TCP_DEFER_ACCEPT); and listeners by address.
    struct SocketOption: Hashable {
        let level: Int32
        let name: Int32
    }
    var options: [String: [SocketOption: Int32]] = [:]
    var listeners: [SocketEndpoint: String] = [:]
    var holds: [Hold: Int] = [:]
    /// Exact lookups in the lesson's namespace (made after entering it).
    let lookup: SocketLookup?
    var baseline: [String: Int] = [:]
    /// Segments captured this round, narrated the next, when nflog has had its say on them.
    var fresh = 0
    var buffer = [UInt8](repeating: 0, count: 65536)
    /// What the last action's call returned (`Lab.lastResult`).
    public internal(set) var lastResult: String?
    let procNet = "/proc/self/net"

    /// Throws why the lab cannot be made: root needed, nft missing, no namespace.
    /// `forceTracefs`: transitions from tracefs even where eBPF loads (SOCKSCOPE_TRACE=tracefs).
    public init(forceTracefs: Bool = false) throws(TransportError) {
        guard geteuid() == 0 else { throw TransportError("lessons need root (a network namespace, nft rules and a capture of their own)") }
        guard clinux_enter_new_netns() == 0 else {
            throw TransportError("cannot make a network namespace: \(String(cString: strerror(errno)))")
        }
        guard clinux_link_up("lo", 1500, 0) == 0 else {
            throw TransportError("cannot set up lo in the lesson's namespace: \(String(cString: strerror(errno)))")
        }
        do {
            _ = try LabProgram.run(["nft", "-f", "-"], input: """
                table inet \(Self.table) {
                    chain input { type filter hook input priority 0; policy accept; }
                }
                """)
        } catch {
            throw TransportError("cannot make the lesson's nft table (is nftables installed?): \(error.description)")
        }
        drops = try DropLog()
        lookup = SocketLookup()
        // A lesson's segments are a few thousand at most (a window filling): 4 MiB of ring, not
        // the modes' 16 — twelve lessons at once on a class's server.
        capture = try SegmentSource(interface: "lo", bufferKB: 4096)
        do {
            // A lesson's few sockets need no burst room: 2 MiB a CPU (the modes' default is 32
            // MiB in all), read every 10 ms, holds some 30,000 records of the whole machine.
            trace = try TraceSource(bufferKB: Self.traceBufferKB, forceTracefs: forceTracefs)
        } catch {
            trace = nil
            traceUnavailable = error.description
        }
        baseline = readCounters()
    }

    deinit { stop() }

    /// Closes every socket and stops tracing; the namespace goes when the process does.
    public func stop() {
        for fd in sockets.values { close(fd) }
        sockets.removeAll()
        trace?.stop()
    }

    /// Where a connection that the tracepoint saw enter CLOSE went: a timewait socket's substate
    /// (TIME_WAIT, FIN_WAIT2) when the kernel keeps one for its addresses, else nil.
    public func timewaitState(_ key: ConnectionKey) -> TCPState? {
        let state = lookup?.state(of: key)
        return state == .timeWait || state == .finWait2 ? state : nil
    }

    /// The holds in force, in the order they were put on.
    public var heldNames: [String] { holds.sorted { $0.value < $1.value }.map(\.key.name) }

    /// What to poll for POLLIN besides the lab's own round timer.
    public var descriptors: [Int32] { [capture.descriptor, drops.descriptor] + (trace?.descriptors ?? []) }

    // MARK: A round

    /// Advances the lab one round: connects that finished, reads and writes, the capture, nflog,
    /// the table, the counters, the tracepoint. Returns the segments ready to be told (those of
    /// the round before: a drop is known by then) and the transitions traced.
    public func round() -> (segments: ArraySlice<LabSegment>, transitions: [TraceEvent]) {
        finishConnects()
        pump()
        let start = observation.segments.count - fresh
        let end = observation.segments.count
        // The slowed wire's filler datagrams are the lab's, not the lesson's.
        let batch = capture.read { $0.destination != Self.fillerSink && $0.source != Self.fillerSink }
        observation.segments += batch.segments.map { LabSegment(segment: $0) }
        markDropped(drops.read())
        fresh = batch.segments.count
        readTable()
        if readsCounters {
            observation.counters = readCounters().reduce(into: [:]) { grown, counter in
                grown[counter.key] = counter.value - (baseline[counter.key] ?? 0)
            }
        }
        let events = trace?.read(now: SignalWait.monotonic()).events ?? []
        return (observation.segments[start..<end], events)
    }

    /// Every segment not yet told, at the end of a step.
    public func flush() -> ArraySlice<LabSegment> {
        let start = observation.segments.count - fresh
        fresh = 0
        return observation.segments[start...]
    }

    func markDropped(_ frames: [DecodedFrame]) {
        // The logged packet is the captured one, header for header (timestamps included).
        for frame in frames {
            guard let index = observation.segments.lastIndex(where: { !$0.dropped && $0.segment.frame == frame }) else { continue }
            observation.segments[index].dropped = true
        }
    }

    func readTable() {
        var infos: [ConnectionKey: TCPInfo] = [:]
        let tcp = SockDiagReader.readTCP { entry, info in infos[ConnectionKey(entry)] = info } ?? []
        observation.table = tcp + (SockDiagReader.read(.udp) ?? [])
        observation.infos = infos
    }

    func readCounters() -> [String: Int] {
        let text = (ProcFile.read("\(procNet)/netstat") ?? "") + "\n" + (ProcFile.read("\(procNet)/snmp") ?? "")
        return NetstatCounters.parse(text)
    }

    /// One datagram (or write) of `count` bytes from the lab's buffer: what send() returned.
    func sendFromBuffer(_ fd: Int32, count: Int, to address: SocketAddress?) -> Int {
        buffer.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return -1 }
            return Socket.send(fd, base, count: min(max(0, count), raw.count), to: address)
        }
    }

    func finishConnects() {
        for name in connecting {
            guard let fd = sockets[name] else {
                connecting.remove(name)
                continue
            }
            var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            guard poll(&entry, 1, 0) > 0 else { continue }
            let code = Socket.pendingError(fd)
            if code != 0 { observation.errors[name] = ErrnoName.of(code) }
            connecting.remove(name)
        }
    }

    /// Reads what the reading ends have and writes what the writing ends still owe.
    func pump() {
        for name in reading {
            guard let fd = sockets[name] else { continue }
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
                if n > 0 {
                    observation.received[name, default: 0] += n
                    continue
                }
                if n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
                    observation.errors[name] = ErrnoName.of(errno)
                }
                break
            }
        }
        for (name, owed) in outbound where owed > 0 {
            guard let fd = sockets[name] else { continue }
            var left = owed
            while left > 0 {
                let n = sendFromBuffer(fd, count: left, to: nil)
                if n > 0 {
                    left -= n
                    continue
                }
                if n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
                    observation.errors[name] = ErrnoName.of(errno)
                    left = 0
                }
                break
            }
            outbound[name] = left
        }
    }
}
