import Glibc
import SockscopeCore

/// `--pcap FILE`: the captured frames, as Core's `PcapWriter` lays them out, written to a file
/// in batches. A failed write (a full disk) stops the file and is said once, never the session.
public final class PcapFile {
    public let path: String
    private let fd: Int32
    private var pending: [UInt8] = []
    public private(set) var failure: String?
    public private(set) var frames = 0

    public init(path: String, snapLength: Int) throws(TransportError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw TransportError("--pcap \(path): \(String(cString: strerror(errno)))") }
        self.fd = fd
        self.path = path
        pending = PcapWriter.fileHeader(snapLength: UInt32(snapLength))
        flush()
    }

    deinit {
        flush()
        close(fd)
    }

    public func append(_ frame: PacketCapture.Frame) {
        guard failure == nil else { return }
        PcapWriter.append(record: frame.bytes, originalLength: frame.originalLength,
                          seconds: UInt32(truncatingIfNeeded: frame.seconds), nanoseconds: frame.nanoseconds, to: &pending)
        frames += 1
        if pending.count >= 1 << 16 { flush() }
    }

    /// Writes what is pending; after a failure, nothing more. Returns the failure, once.
    @discardableResult
    public func flush() -> String? {
        guard failure == nil, !pending.isEmpty else { return nil }
        var offset = 0
        while offset < pending.count {
            let written = pending.withUnsafeBytes { raw in
                write(fd, UnsafeRawBufferPointer(rebasing: raw[offset...]).baseAddress, raw.count - offset)
            }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                failure = "--pcap \(path): write failed: \(String(cString: strerror(written < 0 ? errno : EIO))); the file stops here"
                pending.removeAll()
                return failure
            }
            offset += written
        }
        pending.removeAll(keepingCapacity: true)
        return nil
    }
}
