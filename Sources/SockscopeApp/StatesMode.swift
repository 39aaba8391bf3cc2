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
        let entries = reader.read(options.filter.protocols).filter(options.filter.matches).sorted(by: Self.order)
        let owners = ProcessTable.owners(root: options.procRoot, wanted: Set(entries.map(\.inode).filter { $0 != 0 }))
        var out = ""
        if options.json {
            out = JSONValue.array(entries.map { $0.json(owner: owners[$0.inode]) }).text + "\n"
        } else {
            let rows = entries.map { StatesTable.row($0, owner: owners[$0.inode]) }
            out = StatesTable.layout(rows, width: Terminal.width(io.stdout)).joined(separator: "\n") + "\n"
        }
        guard Descriptor.writeAll(io.stdout, out) else { return .failure }
        return .success
    }

    /// A stable order: TCP before UDP, IPv4 before IPv6, listeners first, then by local port.
    static func order(_ a: SocketEntry, _ b: SocketEntry) -> Bool {
        let ka = (SocketProtocol.allCases.firstIndex(of: a.proto) ?? 0, a.tcpState == .listen ? 0 : 1, a.local.port, a.remote.port, a.local.description)
        let kb = (SocketProtocol.allCases.firstIndex(of: b.proto) ?? 0, b.tcpState == .listen ? 0 : 1, b.local.port, b.remote.port, b.local.description)
        return ka < kb
    }
}

/// The terminal's width, or nil when output is not a terminal (a pipe gets whole lines).
enum Terminal {
    static func width(_ fd: Int32) -> Int? {
        guard isatty(fd) != 0 else { return nil }
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }
}
