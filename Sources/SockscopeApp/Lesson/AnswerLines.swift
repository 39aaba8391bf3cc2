import Glibc
import SockscopeTransport

/// `--script --quiz`: the answers, one a line, read from standard input as each question comes —
/// waiting beside the signals (Ctrl-C ends the run at once), a line at most 4 KiB (more is cut),
/// nil once the input has ended (every later question unanswered).
final class AnswerLines {
    let fd: Int32
    let signalFD: Int32
    var pending: [UInt8] = []
    var ended = false
    static let longest = 4096

    init(fd: Int32, signalFD: Int32) {
        self.fd = fd
        self.signalFD = signalFD
    }

    /// The next line without its end (a CR before it dropped); nil at the end of the input.
    func next() throws(LessonMode.Stop) -> String? {
        while true {
            if let end = pending.firstIndex(of: 0x0A) {
                var line = Array(pending[..<end].prefix(Self.longest))
                pending.removeFirst(end + 1)
                if line.last == 0x0D { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            if ended {
                guard !pending.isEmpty else { return nil }
                defer { pending.removeAll() }
                return String(decoding: pending.prefix(Self.longest), as: UTF8.self)
            }
            switch SignalWait.wait(for: fd, events: POLLIN, seconds: nil, signalFD: signalFD) {
            case .signal(let signal): throw LessonMode.Stop(status: .signal(signal))
            case .timedOut: continue
            case .ready: break
            }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = read(fd, &buffer, buffer.count)
            if n > 0 {
                // A line past the limit keeps only its start: the rest is dropped as it comes.
                pending += buffer[..<n]
                if pending.count > 4 * Self.longest, !pending.contains(0x0A) { pending = Array(pending.prefix(Self.longest)) }
            } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                ended = true
            }
        }
    }
}
