import Glibc
import SockscopeCore
import SockscopeTransport

/// --hex-dump FILE: records both directions through `HexDump` (Core) with wall-clock times.
///
/// Neither opening nor writing may block past a signal (a FIFO without a reader blocks open(2);
/// one whose reader stops reading blocks write(2)): the file is opened non-blocking, a FIFO waits
/// for its reader in poll() beside the signalfd, and writes wait the same way. A slow reader
/// slows the session down (the dump is complete or it says it is not); a signal ends it.
public final class HexDumpFile: TrafficRecorder {
    public enum OpenFailure: Error {
        case failed(SystemError)
        /// A signal arrived while waiting for a FIFO's reader.
        case interrupted(Int32)
    }

    let fd: Int32
    let path: String
    var dump = HexDump()
    let wallClock: () -> Double
    let signalFD: Int32
    /// Called once if writing fails; the dump stops there and the session goes on.
    let onFailure: (String) -> Void
    var failed = false
    public private(set) var interruption: Int32?

    public init(path: String, wallClock: @escaping () -> Double, signalFD: Int32,
                onWaiting: () -> Void, onFailure: @escaping (String) -> Void) throws(OpenFailure) {
        switch Descriptor.openForWriting(path, signalFD: signalFD, onWaiting: onWaiting) {
        case .opened(let fd): self.fd = fd
        case .failed(let error): throw .failed(error)
        case .interrupted(let signal): throw .interrupted(signal)
        }
        self.path = path
        self.wallClock = wallClock
        self.signalFD = signalFD
        self.onFailure = onFailure
    }

    deinit { close(fd) }

    public func record(_ bytes: UnsafeRawBufferPointer, sent: Bool, peer: SocketAddress?) {
        guard !failed, interruption == nil else { return }
        var text = dump.chunk(bytes, direction: sent ? .sent : .received,
                              time: ClockText.iso8601(wallClock()), peer: peer?.display ?? "peer")
        let outcome = text.withUTF8 { utf8 in
            Descriptor.writeAll(UnsafeRawBufferPointer(utf8), to: fd, signalFD: signalFD)
        }
        switch outcome {
        case .written, .timedOut: break
        case .interrupted(let signal): interruption = signal
        case .failed(let code):
            failed = true
            onFailure("--hex-dump \(path): \(String(cString: strerror(code))); the dump stops here")
        }
    }
}
