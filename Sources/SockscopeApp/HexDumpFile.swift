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
                              time: Self.timestamp(wallClock()), peer: peer?.display ?? "peer")
        Descriptor.writeAll(fd, text)
    }

    /// `2026-11-21T14:30:00.123456Z`
    static func timestamp(_ seconds: Double) -> String {
        var whole = time_t(seconds.rounded(.down))
        let micros = Int((seconds - Double(whole)) * 1_000_000)
        var parts = tm()
        gmtime_r(&whole, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let micro = String(micros)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
            + String(repeating: "0", count: max(0, 6 - micro.count)) + micro + "Z"
    }
}
