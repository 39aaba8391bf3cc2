import Glibc
import SockscopeCore

/// Reads the socket tables: through NETLINK_SOCK_DIAG when it answers (about three times cheaper),
/// else /proc/net/{tcp,tcp6,udp,udp6}, from a root that tests can point elsewhere. One reused
/// buffer; read until read() returns 0, since each read returns about one page.
public final class ProcNetReader {
    public enum Source: String, Sendable { case netlink, proc }

    public let root: String
    /// Netlink only reads this process's own network namespace, so a reader pointed at another
    /// /proc root reads text; tests use `.proc` to compare the two.
    public let preferred: Source
    /// Where each table came from in the last read.
    public private(set) var sources: [SocketProtocol: Source] = [:]
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    /// Lines skipped as malformed in the last read, per table.
    public private(set) var skipped: [SocketProtocol: Int] = [:]

    public init(root: String = "/proc", preferred: Source? = nil) {
        self.root = root
        self.preferred = preferred ?? (root == "/proc" ? .netlink : .proc)
    }

    /// The tables of `protocols`; with `info`, each TCP socket's TCP_INFO as well, handed to it
    /// as read (netlink only: /proc has none).
    public func read(_ protocols: [SocketProtocol], info: ((SocketEntry, TCPInfo) -> Void)? = nil) -> [SocketEntry] {
        var entries: [SocketEntry] = []
        var protocols = protocols
        // Both TCP tables in one dump when the kernel serves it: one walk of its tables, not two.
        if preferred == .netlink, protocols.contains(.tcp), protocols.contains(.tcp6), let rows = SockDiagReader.readTCP(info: info) {
            entries = rows
            sources[.tcp] = .netlink
            sources[.tcp6] = .netlink
            protocols.removeAll { $0.isTCP }
        }
        for proto in protocols {
            if preferred == .netlink, let rows = SockDiagReader.read(proto, info: proto.isTCP ? info : nil) {
                // The first table is taken as it is: copying 30,000 rows costs page faults.
                if entries.isEmpty { entries = rows } else { entries += rows }
                sources[proto] = .netlink
            } else {
                read(proto, into: &entries)
                sources[proto] = .proc
            }
        }
        return entries
    }

    func read(_ proto: SocketProtocol, into entries: inout [SocketEntry]) {
        var parser = ProcNetParser(proto: proto)
        // A missing table (no IPv6 in the kernel) is an empty one.
        let fd = open("\(root)/net/\(proto.rawValue)", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            buffer.withUnsafeBytes { parser.feed(UnsafeRawBufferPointer(rebasing: $0[0..<n]), into: &entries) }
        }
        parser.finish(into: &entries)
        skipped[proto] = parser.skipped
    }
}
