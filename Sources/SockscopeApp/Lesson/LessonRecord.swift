import Glibc
import SockscopeCore
import SockscopeTransport

/// `--record FILE`: the run's events as JSON lines, each written as it happens, so that a run cut
/// short by a signal still leaves what it saw. `sockscope replay FILE` plays it.
final class LessonRecord {
    let fd: Int32
    let path: String

    init(path: String) throws(TransportError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw TransportError("--record \(path): \(String(cString: strerror(errno)))") }
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    /// Throws the reason the line could not be written (a full disk ends the run: a recording
    /// with a hole would replay as something that did not happen).
    func write(_ event: LessonEvent) throws(LessonMode.Stop) {
        guard Descriptor.writeAll(fd, event.json.text + "\n") else {
            Diagnostics(fd: 2, verbose: true).error("--record \(path): \(String(cString: strerror(errno)))")
            throw LessonMode.Stop(status: .failure)
        }
    }
}
