import Glibc
import SockscopeCore
import SockscopeTransport

/// `--record FILE`: the run's events as JSON lines, each written as it happens, so that a run cut
/// short by a signal still leaves what it saw. `sockscope replay FILE` plays it. The file is an
/// `OutputFile`: opened only once the lab runs (a run refused for want of root never empties
/// it), a planted link refused, a FIFO's reader waited for beside the signals. It is created
/// 0644, not 0600 as a pcap is: it holds no one's data (only the lab's own sockets, in a
/// namespace of its own, their headers and states), and it is made to be handed to a class.
final class LessonRecord {
    let file: OutputFile
    let log: Diagnostics

    init(path: String, signalFD: Int32, log: Diagnostics) throws(OutputFile.OpenFailure) {
        file = try OutputFile(path, option: "--record", holdsPayload: false, signalFD: signalFD,
                              onWaiting: OutputFiles.waiting("--record", path, log: log))
        self.log = log
    }

    /// Throws the reason the line could not be written (a full disk ends the run: a recording
    /// with a hole would replay as something that did not happen), or the signal that ended a
    /// wait for the reader.
    func write(_ event: LessonEvent) throws(LessonMode.Stop) {
        switch file.write(event.json.text + "\n") {
        case .written, .timedOut: return
        case .failed(let code):
            log.error(file.describe(code))
            throw LessonMode.Stop(status: .failure)
        case .interrupted(let signal):
            throw LessonMode.Stop(status: .signal(signal))
        }
    }

    /// The screen's r: the recording starts again with the new run.
    func restart() { file.restart() }
}
