import SockscopeCore
import SockscopeTransport

/// `lesson NAME --ladder FILE.svg` and `replay FILE --ladder FILE.svg`: every connection of the
/// lesson as a ladder, one under the other, for a slide. The place is checked before the lesson
/// runs (a temporary file made beside it) and the picture replaces FILE whole at the end, so a
/// run that does not happen, or fails to write, leaves FILE as it was.
final class LessonLadderFile {
    let file: ReplacedFile
    var model = LessonScreenModel()

    init(path: String) throws(OutputFile.OpenFailure) {
        file = try ReplacedFile(path, option: "--ladder")
    }

    func take(_ event: LessonEvent) { model.apply(event) }

    /// Writes the picture (nil: done); a lesson that had no segment writes nothing and says so.
    func commit(signalFD: Int32, log: Diagnostics) -> ExitStatus? {
        let panels = model.svgPanels
        guard !panels.isEmpty else {
            file.discard()
            log.error("--ladder \(file.path): the lesson showed no segment; nothing written")
            return .failure
        }
        switch file.commit(Array(LadderSVG.render(panels).utf8), signalFD: signalFD,
                           onWaiting: OutputFiles.waiting("--ladder", file.path, log: log)) {
        case .written: return nil
        case .failed(let line):
            log.error(line)
            return .failure
        case .interrupted(let signal): return .signal(signal)
        }
    }

    /// The run did not happen (no lab): FILE stays as it was.
    func discard() { file.discard() }
}
