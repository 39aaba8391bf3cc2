import Glibc
import SockscopeCore

/// Reads /proc/net/{tcp,tcp6,udp,udp6} into entries, from a root that tests can point elsewhere.
/// One reused buffer; read until read() returns 0, since each read returns about one page.
public final class ProcNetReader {
    public let root: String
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    /// Lines skipped as malformed in the last read, per table.
    public private(set) var skipped: [SocketProtocol: Int] = [:]

    public init(root: String = "/proc") { self.root = root }

    public func read(_ protocols: [SocketProtocol]) -> [SocketEntry] {
        var entries: [SocketEntry] = []
        for proto in protocols { read(proto, into: &entries) }
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
