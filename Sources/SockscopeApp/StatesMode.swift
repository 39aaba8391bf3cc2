import Glibc
import SockscopeCore
import SockscopeTransport

/// `sockscope states`: a one-shot table like `ss -tan`, or --json, or --events.
public struct StatesMode {
    public struct Options: Sendable {
        public var filter = StatesFilter()
        public var json = false
        public var events = false
        public var duration: Double?
        /// /proc polling interval for --events.
        public var interval = 0.1
        public var procRoot = "/proc"
        /// With events: segments from the capture, interleaved (--segments).
        public var segments = false
        /// With events: the captured frames to this file (--pcap).
        public var pcapPath: String?
        /// The data bytes each frame keeps in the pcap file (--pcap-payload).
        public var pcapPayload = 0
        /// Owners: nil looks them up for tables of at most `automaticOwnerLimit` sockets.
        public var processes: Bool?
        public init() {}
    }

    let options: Options
    let io: SystemIO

    public init(options: Options, io: SystemIO) {
        self.options = options
        self.io = io
    }

    public func run() -> ExitStatus {
        if options.events { return EventsMode(options: options, io: io).run() }
        let reader = ProcNetReader(root: options.procRoot)
        let filter = options.filter
        // In place: at 30,000 sockets each copy of the rows costs more page faults than the
        // kernel takes to dump them.
        var entries = reader.read(filter.protocols)
        entries.removeAll { !filter.matches($0) }
        let order = Self.order(entries)
        let lookUp = options.processes ?? (entries.count <= Self.automaticOwnerLimit)
        if options.processes == nil && !lookUp {
            Diagnostics(fd: io.stderr, verbose: true).write(
                "sockscope: \(entries.count) sockets: owners not looked up (it reads every open descriptor on the machine); use -p")
        }
        let owners = lookUp ? ProcessTable.owners(root: options.procRoot, wanted: Set(entries.map(\.inode).filter { $0 != 0 })) : [:]
        // JSON leaves in chunks as it is written: the whole of it (6 MB at 30,000 sockets) would
        // be memory touched once, for nothing.
        var out = ByteWriter(capacity: Self.chunk + 4096)
        if options.json {
            out.append("[")
            for (position, index) in order.enumerated() {
                if position > 0 { out.append(",") }
                let entry = entries[index]
                entry.writeJSON(owner: owners[entry.inode], to: &out)
                if out.bytes.count >= Self.chunk {
                    guard write(out.bytes) else { return .failure }
                    out.removeAll()
                }
            }
            out.append("]\n")
        } else {
            let rows = order.map { StatesTable.row(entries[$0], owner: owners[entries[$0].inode]) }
            StatesTable.write(rows, width: Terminal.width(io.stdout), to: &out)
        }
        return write(out.bytes) ? .success : .failure
    }

    static let chunk = 1 << 18

    /// Writes to standard output; false, after saying why, when it failed.
    func write(_ bytes: [UInt8]) -> Bool {
        guard Descriptor.writeAll(io.stdout, bytes) else {
            Diagnostics(fd: io.stderr, verbose: true).error("write to standard output failed: \(String(cString: strerror(errno)))")
            return false
        }
        return true
    }

    /// Finding owners costs about 6 µs per open descriptor on the machine (a readlink in
    /// /proc/PID/fd): fine for a table a person reads, too slow for 30,000 sockets.
    public static let automaticOwnerLimit = 5000

    /// The table's order, as indices into `entries` (rows of 100 bytes are not moved): TCP
    /// before UDP, IPv4 before IPv6, listeners first, then by ports, then addresses. One integer
    /// decides nearly every comparison; sorting the rows themselves with a tuple comparator took
    /// a tenth of a 30,000-socket `states --json`.
    static func order(_ entries: [SocketEntry]) -> [Int] {
        var keyed = entries.indices.map { (key: primaryKey(entries[$0]), index: $0) }
        keyed.sort { a, b in
            if a.key != b.key { return a.key < b.key }
            let (x, y) = (entries[a.index], entries[b.index])
            if x.local.address != y.local.address { return x.local.address < y.local.address }
            if x.remote.address != y.remote.address { return x.remote.address < y.remote.address }
            return a.index < b.index
        }
        return keyed.map(\.index)
    }

    static func primaryKey(_ entry: SocketEntry) -> UInt64 {
        let listening: UInt64 = entry.stateCode == TCPState.listen.rawValue && entry.proto.isTCP ? 0 : 1
        return UInt64(entry.proto.order) << 33 | listening << 32 | UInt64(entry.local.port) << 16 | UInt64(entry.remote.port)
    }
}
