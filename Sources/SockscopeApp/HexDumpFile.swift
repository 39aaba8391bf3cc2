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
    let file: OutputFile
    var dump = HexDump()
    let wallClock: () -> Double
    /// Called once if writing fails; the dump stops there and the session goes on.
    let onFailure: (String) -> Void
    var failed = false
    public private(set) var interruption: Int32?

    /// Opens the file now (a bad path fails before the session starts) but empties it only when
    /// the first connection opens: a refused dial leaves the last session's dump as it was.
    public init(path: String, wallClock: @escaping () -> Double, signalFD: Int32,
                onWaiting: () -> Void, onFailure: @escaping (String) -> Void) throws(OutputFile.OpenFailure) {
        file = try OutputFile(path, option: "--hex-dump", holdsPayload: true, beginsNow: false, signalFD: signalFD, onWaiting: onWaiting)
        self.wallClock = wallClock
        self.onFailure = onFailure
    }

    public func connectionOpened() { file.begin() }

    /// The session is over: a file this session created and never began is removed.
    public func finish() { file.abandon() }

    public func record(_ bytes: UnsafeRawBufferPointer, sent: Bool, peer: SocketAddress?) {
        guard !failed, interruption == nil else { return }
        let text = dump.chunk(bytes, direction: sent ? .sent : .received,
                              time: ClockText.iso8601(wallClock()), peer: peer?.display ?? "peer")
        switch file.write(text) {
        case .written, .timedOut: break
        case .interrupted(let signal): interruption = signal
        case .failed(let code):
            failed = true
            onFailure(file.describe(code) + "; the dump stops here")
        }
    }
}
