import SockscopeCore
import SockscopeTransport
import SockscopeTUI

/// `--ladder FILE.svg` and `--html FILE.html` of `lesson NAME` and `replay FILE`: a picture of the
/// lesson made from its events at the end — every connection's ladder for a slide, or the page
/// that steps through it. The place is checked before the lesson runs (a temporary file made
/// beside it) and the picture replaces FILE whole at the end, so a run that does not happen, or
/// fails to write, leaves FILE as it was.
final class LessonPictureFile {
    enum Kind: Equatable {
        case ladder, page, handout(LessonHandout.Format)

        var option: String {
            switch self {
            case .ladder: "--ladder"
            case .page: "--html"
            case .handout: "--handout"
            }
        }
    }

    let kind: Kind
    let file: ReplacedFile

    init(_ kind: Kind, path: String) throws(OutputFile.OpenFailure) {
        self.kind = kind
        file = try ReplacedFile(path, option: kind.option)
    }

    /// The picture of `events`; nil when there is nothing to draw (no segment for a ladder).
    func picture(_ events: [LessonEvent]) -> String? {
        switch kind {
        case .ladder:
            var model = LessonScreenModel()
            for event in events { model.apply(event) }
            let panels = model.svgPanels
            return panels.isEmpty ? nil : LadderSVG.render(panels)
        case .page:
            return events.contains { if case .step = $0 { true } else { false } } ? LessonPage.render(events) : nil
        case .handout(let format):
            guard events.contains(where: { if case .step = $0 { true } else { false } }) else { return nil }
            // Markdown draws the ladder as the screen does, in text.
            return LessonHandout.render(events, format: format) { model in model.ladders.indices.map { LadderText.lines(model, ladder: $0) } }
        }
    }

    /// Writes the picture of `events` (nil: done); a lesson with nothing to show writes nothing
    /// and says so.
    func commit(_ events: [LessonEvent], signalFD: Int32, log: Diagnostics) -> ExitStatus? {
        guard let picture = picture(events) else {
            file.discard()
            log.error("\(kind.option) \(file.path): the lesson showed \(kind == .ladder ? "no segment" : "no step"); nothing written")
            return .failure
        }
        switch file.commit(Array(picture.utf8), signalFD: signalFD, onWaiting: OutputFiles.waiting(kind.option, file.path, log: log)) {
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

/// The pictures a run was asked for: the run's events kept once, every picture drawn from them
/// at its end.
final class LessonPictures {
    let files: [LessonPictureFile]
    var events: [LessonEvent] = []

    init(_ files: [LessonPictureFile]) { self.files = files }

    /// --ladder's and --html's places, checked now (nil: neither asked); or the status to end
    /// with when one cannot be written (said in one line).
    static func open(ladder: String?, html: String?, handout: String? = nil, log: Diagnostics) -> (pictures: LessonPictures?, status: ExitStatus?) {
        var files: [LessonPictureFile] = []
        let asked: [(LessonPictureFile.Kind, String?)] = [(.ladder, ladder), (.page, html),
                                                          (.handout(LessonHandout.format(of: handout ?? "")), handout)]
        for (kind, path) in asked {
            guard let path else { continue }
            let opened = OutputFiles.open(log: log) { () throws(OutputFile.OpenFailure) in try LessonPictureFile(kind, path: path) }
            if let status = opened.status {
                for file in files { file.discard() }
                return (nil, status)
            }
            if let file = opened.file { files.append(file) }
        }
        return (files.isEmpty ? nil : LessonPictures(files), nil)
    }

    func take(_ event: LessonEvent) { events.append(event) }
    /// The screen's r: the lesson starts again.
    func restart() { events.removeAll() }
    func discard() { for file in files { file.discard() } }

    /// Each in turn; the first failure is the status (the others still written).
    func commit(signalFD: Int32, log: Diagnostics) -> ExitStatus? {
        var failed: ExitStatus?
        for file in files {
            if let status = file.commit(events, signalFD: signalFD, log: log), failed == nil { failed = status }
        }
        return failed
    }
}
