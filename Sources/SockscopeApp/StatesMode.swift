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
        let entries = reader.read(filter.protocols).filter(filter.matches).sorted(by: Self.order)
        let lookUp = options.processes ?? (entries.count <= Self.automaticOwnerLimit)
        if options.processes == nil && !lookUp {
            Diagnostics(fd: io.stderr, verbose: true).write(
                "sockscope: \(entries.count) sockets: owners not looked up (it reads every open descriptor on the machine); use -p")
        }
        let owners = lookUp ? ProcessTable.owners(root: options.procRoot, wanted: Set(entries.map(\.inode).filter { $0 != 0 })) : [:]
        var out = ByteWriter(capacity: 200 * entries.count + 256)
        if options.json {
            out.append("[")
            for (index, entry) in entries.enumerated() {
                if index > 0 { out.append(",") }
                entry.writeJSON(owner: owners[entry.inode], to: &out)
            }
            out.append("]\n")
        } else {
            let rows = entries.map { StatesTable.row($0, owner: owners[$0.inode]) }
            StatesTable.write(rows, width: Terminal.width(io.stdout), to: &out)
        }
        guard Descriptor.writeAll(io.stdout, out.bytes) else {
            Diagnostics(fd: io.stderr, verbose: true).error("write to standard output failed: \(String(cString: strerror(errno)))")
            return .failure
        }
        return .success
    }

    /// Finding owners costs about 6 µs per open descriptor on the machine (a readlink in
    /// /proc/PID/fd): fine for a table a person reads, too slow for 30,000 sockets.
    public static let automaticOwnerLimit = 5000

    /// A stable order: TCP before UDP, IPv4 before IPv6, listeners first, then by ports and
    /// addresses. Numeric keys only: formatting addresses in the comparator made a 30,000-row
    /// table take a second.
    static func order(_ a: SocketEntry, _ b: SocketEntry) -> Bool {
        func key(_ e: SocketEntry) -> (Int, Int, UInt16, UInt16) {
            (e.proto.order, e.stateCode == TCPState.listen.rawValue && e.proto.isTCP ? 0 : 1, e.local.port, e.remote.port)
        }
        let (ka, kb) = (key(a), key(b))
        if ka != kb { return ka < kb }
        return (a.local.address, a.remote.address) < (b.local.address, b.remote.address)
    }
}
