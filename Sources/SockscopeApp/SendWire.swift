import Glibc
import SockscopeCore
import SockscopeTransport

/// The sender's connection: whole writes and whole reply lines through its stream (the socket,
/// or TLS over it), each wait ended by a signal or -w. A stage that needs the peer's bytes
/// first (a handshake) is read while writing; what it hands out early is kept for `reply`.
struct Wire {
    let fd: Int32
    let stream: any ByteStream
    let signalFD: Int32
    let timeout: Double?
    var pending: [UInt8] = []

    mutating func write(_ bytes: [UInt8]) throws(SendMode.Stop) {
        var copy = self
        let written: Result<Bool, SendMode.Stop> = bytes.withUnsafeBytes { raw in
            Result { () throws(SendMode.Stop) in try copy.write(raw, unlessAnswered: false) }
        }
        self = copy
        _ = try written.get()
    }

    /// Sends all of `bytes`; false when the receiver answered first (`unlessAnswered`) or
    /// closed on us (its answer, if any, says why).
    mutating func write(_ bytes: UnsafeRawBufferPointer, unlessAnswered: Bool) throws(SendMode.Stop) -> Bool {
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
                    if revents & Int32(POLLIN) != 0 {
                        // A handshake's records, or the receiver's early answer.
                        if try take() && unlessAnswered { return false }
                    }
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

    /// Reads what the stream has now into `pending`: true when bytes (or the end) came.
    mutating func take() throws(SendMode.Stop) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let n = chunk.withUnsafeMutableBytes { raw in raw.baseAddress.map { stream.receive(into: $0, count: raw.count) } ?? -1 }
        if n > 0 {
            pending += chunk[..<n]
            return true
        }
        if n == 0 { return true }
        if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return false }
        if let failure = stream.failure { throw .failed("send: \(failure)") }
        return true
    }

    /// The receiver's next line, as the protocol reads it.
    mutating func reply() throws(SendMode.Stop) -> FileTransfer.Reply {
        var chunk = [UInt8](repeating: 0, count: 512)
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
            let n = chunk.withUnsafeMutableBytes { raw in raw.baseAddress.map { stream.receive(into: $0, count: raw.count) } ?? -1 }
            if n > 0 {
                pending += chunk[..<n]
                continue
            }
            if n == 0 { throw .failed("send: the receiver closed without an answer") }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK:
                // What a stage still owes the socket (TLS records) goes while we wait.
                _ = stream.advance()
                switch SignalWait.wait(for: fd, events: stream.events(reading: true, writing: false), seconds: timeout, signalFD: signalFD) {
                case .ready: continue
                case .timedOut: throw .failed("send: no answer from the receiver within \(Seconds.text(timeout ?? 0)) s (-w)")
                case .signal(let number): throw .signal(number)
                }
            default:
                throw .failed("send: the receiver's answer was lost: \(stream.failure ?? String(cString: strerror(errno)))")
            }
        }
    }
}
