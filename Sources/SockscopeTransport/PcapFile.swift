import Glibc
import SockscopeCore

/// `--pcap FILE`: the captured frames, as Core's `PcapWriter` lays them out, written in batches
/// to an `OutputFile` (created 0600, no planted link followed, a FIFO waited for beside the
/// signalfd). Each frame keeps its headers and the capture's `payload` bytes of its data (none
/// by default): a capture of a login should not hold the password. A failed write (a full disk)
/// stops the file and is said once, never the session. Made by `SegmentSource.recordPcap`.
public final class PcapFile {
    let file: OutputFile
    /// The data bytes each frame keeps after its headers.
    public let payload: Int
    private var pending: [UInt8] = []
    public private(set) var failure: String?
    /// A signal that ended a wait for the FIFO's reader: the file stops; the signal is raised
    /// again for the mode's loop.
    public private(set) var interrupted = false
    public private(set) var frames = 0

    public var path: String { file.path }

    init(path: String, capture: PacketCapture, signalFD: Int32, onWaiting: () -> Void) throws(OutputFile.OpenFailure) {
        file = try OutputFile(path, option: "--pcap", holdsPayload: true, signalFD: signalFD, onWaiting: onWaiting)
        payload = capture.payload
        pending = PcapWriter.fileHeader(snapLength: UInt32(capture.snapLength))
        flush()
    }

    deinit { flush() }

    /// Appends a frame cut after its headers (`headerEnd`) and `payload` bytes of its data.
    public func append(_ frame: PacketCapture.Frame, headerEnd: Int) {
        guard failure == nil, !interrupted else { return }
        let kept = min(frame.bytes.count, max(0, headerEnd) + payload)
        PcapWriter.append(record: UnsafeRawBufferPointer(rebasing: frame.bytes[..<kept]), originalLength: frame.originalLength,
                          seconds: UInt32(truncatingIfNeeded: frame.seconds), nanoseconds: frame.nanoseconds, to: &pending)
        frames += 1
        if pending.count >= 1 << 16 { flush() }
    }

    /// Writes what is pending; after a failure, nothing more. Returns the failure, once.
    @discardableResult
    public func flush() -> String? {
        guard failure == nil, !interrupted, !pending.isEmpty else { return nil }
        defer { pending.removeAll(keepingCapacity: true) }
        switch file.write(pending) {
        case .written, .timedOut: return nil
        case .failed(let code):
            failure = "--pcap \(path): write failed: \(String(cString: strerror(code))); the file stops here"
            return failure
        case .interrupted(let signal):
            // Deep in a read of the capture, nothing can end the mode here: the signal is raised
            // again (it is blocked, so it waits on the signalfd) for the loop, which ends by it.
            interrupted = true
            raise(signal)
            return nil
        }
    }
}
