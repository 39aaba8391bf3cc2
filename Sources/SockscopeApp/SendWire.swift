import Glibc
import SockscopeCore
import SockscopeTransport

/// The sender's connection: whole writes and whole reply lines through its stream (the socket,
/// or TLS over it), each wait ended by a signal or -w. A stage that needs the peer's bytes
/// first (a handshake) is read while writing; what it hands out early is kept for `reply`.
final class Wire {
    let fd: Int32
    let stream: any ByteStream
    let signalFD: Int32
    let timeout: Double?
    var pending: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)

    init(fd: Int32, stream: any ByteStream, signalFD: Int32, timeout: Double?) {
        self.fd = fd
        self.stream = stream
        self.signalFD = signalFD
        self.timeout = timeout
    }

    func write(_ bytes: [UInt8]) throws(SendMode.Stop) {
        let written: Result<Bool, SendMode.Stop> = bytes.withUnsafeBytes { raw in
            Result { () throws(SendMode.Stop) in try write(raw, unlessAnswered: false) }
        }
        _ = try written.get()
    }

    /// Sends all of `bytes`; false when the receiver answered first (`unlessAnswered`) or
    /// closed on us (its answer, if any, says why).
    func write(_ bytes: UnsafeRawBufferPointer, unlessAnswered: Bool) throws(SendMode.Stop) -> Bool {
        guard var base = bytes.baseAddress else { return true }
        var left = bytes.count
        while left > 0 {
            let n = stream.send(base, count: left)
            if n > 0 {
                left -= n
                base += n
                continue
            }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK:
                let events = stream.events(reading: unlessAnswered, writing: true)
                switch SignalWait.wait(for: fd, events: events, seconds: timeout, signalFD: signalFD) {
                case .ready(let revents):
                    // A handshake's records, or the receiver's early answer.
                    if revents & Int32(POLLIN) != 0, try receive() != .waiting, unlessAnswered { return false }
                case .timedOut: throw .failed("send: the receiver took nothing for \(Seconds.text(timeout ?? 0)) s (-w)")
                case .signal(let number): throw .signal(number)
                }
            case EPIPE, ECONNRESET:
                return false
            default:
                throw .failed("send: write failed: \(stream.failure ?? String(cString: strerror(errno)))")
            }
        }
        return true
    }

    enum Received { case bytes, ended, waiting }

    /// One read of what the stream has now, kept in `pending`.
    func receive() throws(SendMode.Stop) -> Received {
        let n = chunk.withUnsafeMutableBytes { raw in raw.baseAddress.map { stream.receive(into: $0, count: raw.count) } ?? -1 }
        if n > 0 {
            pending += chunk[..<n]
            return .bytes
        }
        if n == 0 { return .ended }
        if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return .waiting }
        // A stage's failure (TLS refused the certificate) in its own words.
        if let failure = stream.failure { throw .failed("send: \(failure)") }
        throw .failed("send: the receiver's answer was lost: \(String(cString: strerror(errno)))")
    }

    /// The receiver's next line, as the protocol reads it.
    func reply() throws(SendMode.Stop) -> FileTransfer.Reply {
        while true {
            if let newline = pending.firstIndex(of: 0x0A) {
                let line = Array(pending[..<newline])
                pending.removeFirst(newline + 1)
                guard let reply = FileTransfer.parseReply(line) else {
                    throw .failed("send: not a receiver's answer: '\(String(decoding: line.prefix(80), as: UTF8.self))'")
                }
                return reply
            }
            guard pending.count <= FileTransfer.longestLine else { throw .failed("send: the receiver's answer is not a line") }
            switch try receive() {
            case .bytes: continue
            case .ended: throw .failed("send: the receiver closed without an answer")
            case .waiting:
                // What a stage still owes the socket (TLS records) goes while we wait.
                _ = stream.advance()
                switch SignalWait.wait(for: fd, events: stream.events(reading: true, writing: false), seconds: timeout, signalFD: signalFD) {
                case .ready: continue
                case .timedOut: throw .failed("send: no answer from the receiver within \(Seconds.text(timeout ?? 0)) s (-w)")
                case .signal(let number): throw .signal(number)
                }
            }
        }
    }
}
