import Glibc
import SockscopeCore

/// `--pcap FILE`: the captured frames, as Core's `PcapWriter` lays them out, written in batches
/// to an `OutputFile` (created 0600, no planted link followed, a FIFO waited for beside the
/// signalfd). Each frame keeps its headers and the capture's `payload` bytes of its data (none
/// by default): a capture of a login should not hold the password. A failed write (a full disk)
/// stops the file and is said once, never the session. Made by `SegmentSource.recordPcap`.
/// With `secrets` (--tls) the file is pcapng, and a TLS session's key-log lines go into it as
/// they come (`addSecrets`), before the frames they decrypt.
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
    /// pcapng with Decryption Secrets Blocks, else classic pcap.
    public let holdsSecrets: Bool
    /// Frames read while a TLS handshake is under way, held back so that its secrets (known
    /// only once our end has read the peer's reply) are written before them: tshark decrypts
    /// in one pass, and a record whose keys come after it stays encrypted.
    private var held: [UInt8] = []
    private var holds = 0
    /// Held frames, at most: past this the frames go out and that handshake's secrets follow them.
    static let heldLimit = 8 << 20

    public var path: String { file.path }

    init(path: String, capture: PacketCapture, secrets: Bool, signalFD: Int32, onWaiting: () -> Void) throws(OutputFile.OpenFailure) {
        file = try OutputFile(path, option: "--pcap", holdsPayload: true, signalFD: signalFD, onWaiting: onWaiting)
        payload = capture.payload
        holdsSecrets = secrets
        pending = secrets ? PcapngWriter.fileHeader(snapLength: UInt32(capture.snapLength))
                          : PcapWriter.fileHeader(snapLength: UInt32(capture.snapLength))
        flush()
    }

    /// Key-log lines of a TLS session, written now, before the frames held back while its
    /// handshake ran: Wireshark and tshark decrypt the file with nothing else handed to them.
    public func addSecrets(_ lines: [String]) {
        guard holdsSecrets, failure == nil, !interrupted, !lines.isEmpty else { return }
        PcapngWriter.append(keyLog: lines, to: &pending)
        flush()
    }

    /// A TLS handshake begins (true) or has ended (false): frames read in between wait.
    public func hold(_ on: Bool) {
        guard holdsSecrets else { return }
        holds = max(0, holds + (on ? 1 : -1))
        if holds == 0 { releaseHeld() }
    }

    private func releaseHeld() {
        guard !held.isEmpty else { return }
        pending += held
        held.removeAll()
        flush()
    }

    deinit {
        releaseHeld()
        flush()
    }

    /// Appends a frame cut after its headers (`headerEnd`) and `payload` bytes of its data.
    public func append(_ frame: PacketCapture.Frame, headerEnd: Int) {
        guard failure == nil, !interrupted else { return }
        let kept = min(frame.bytes.count, max(0, headerEnd) + payload)
        let record = UnsafeRawBufferPointer(rebasing: frame.bytes[..<kept])
        frames += 1
        guard holdsSecrets else {
            PcapWriter.append(record: record, originalLength: frame.originalLength,
                              seconds: UInt32(truncatingIfNeeded: frame.seconds), nanoseconds: frame.nanoseconds, to: &pending)
            if pending.count >= 1 << 16 { flush() }
            return
        }
        if holds > 0 && held.count < Self.heldLimit {
            PcapngWriter.append(record: record, originalLength: frame.originalLength, seconds: frame.seconds,
                                nanoseconds: frame.nanoseconds, to: &held)
            return
        }
        releaseHeld()
        PcapngWriter.append(record: record, originalLength: frame.originalLength, seconds: frame.seconds,
                            nanoseconds: frame.nanoseconds, to: &pending)
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
