import Glibc
import SockscopeCore
import SockscopeTransport

/// --hex-dump FILE: records both directions through `HexDump` (Core) with wall-clock times.
public final class HexDumpFile: TrafficRecorder {
    let fd: Int32
    var dump = HexDump()
    let wallClock: () -> Double

    public init(path: String, wallClock: @escaping () -> Double) throws(SystemError) {
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SystemError(path) }
        self.wallClock = wallClock
    }

    deinit { close(fd) }

    public func record(_ bytes: UnsafeRawBufferPointer, sent: Bool, peer: SocketAddress?) {
        let text = dump.chunk(bytes, direction: sent ? .sent : .received,
                              time: ClockText.iso8601(wallClock()), peer: peer?.display ?? "peer")
        Descriptor.writeAll(fd, text)
    }
}
