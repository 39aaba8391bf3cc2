import Glibc
import SockscopeCore
import SockscopeTransport

/// `sockscope lesson`: the list of lessons, or one lesson run in a lab of its own — as a script
/// (`--script`: lines; `--json`: JSON lines), exit 0 only when every step passed.
public struct LessonMode {
    public struct Options {
        public var name: String?
        /// Lines without the screen (also what happens when there is no terminal).
        public var script = false
        public var json = false
        public var recordPath: String?
        /// --ladder: every connection's ladder as SVG, written when the lesson ends.
        public var ladderPath: String?
        /// --html: the page that steps through the lesson, written when it ends.
        public var htmlPath: String?
        /// --handout: the steps, checks, ladder, legend and names, in Markdown or HTML.
        public var handoutPath: String?
        /// --quiz: before each step, each end's next state and the segment that brings it there
        /// are asked (with --script, read from standard input, one answer a line).
        public var quiz = false
        /// --big: the screen starts in the projector view (`b` toggles it).
        public var big = false
        public init() {}
    }

    /// Why a run stopped early: a signal, standard output failed, the user left — or asked to
    /// start again.
    struct Stop: Error {
        let status: ExitStatus
        var restart = false
    }

    let options: Options
    let io: SystemIO

    public init(options: Options, io: SystemIO) {
        self.options = options
        self.io = io
    }

    public func run() -> ExitStatus {
        let log = Diagnostics(fd: io.stderr, verbose: true)
        guard let name = options.name else { return list() }
        guard let lesson = LessonCatalog.named(name) else {
            log.error("no lesson named '\(name)': 'sockscope lesson' lists them")
            return .code(64)
        }
        OutputLines.ignoreBrokenPipe()
        let interactive = !options.script && Terminal.isInteractive(stdin: io.stdin, stdout: io.stdout)
        let signalFD = io.signalDescriptor(interactive ? SystemIO.screenSignals : SystemIO.endingSignals)
        defer { if signalFD >= 0 { close(signalFD) } }
        // --ladder's and --html's places are checked before the lab is made; the files
        // themselves change only at the end.
        let opened = LessonPictures.open(ladder: options.ladderPath, html: options.htmlPath, handout: options.handoutPath, log: log)
        if let status = opened.status { return status }
        let ladder = opened.pictures
        let status: ExitStatus
        do {
            status = interactive ? try screen(lesson, signalFD: signalFD, log: log, ladder: ladder)
                                 : try script(lesson, signalFD: signalFD, log: log, ladder: ladder)
        } catch {
            ladder?.discard()
            return error.status
        }
        // A lesson that ran to its end (passed or not) is drawn; one cut short by a signal is not.
        if let ladder, let failed = ladder.commit(signalFD: signalFD, log: log) { return failed }
        return status
    }

    /// The lab, or one line saying why there is none (no root: replay needs none); `before`
    /// gives the terminal back first when a screen is open.
    func makeLab(log: Diagnostics, before: () -> Void = {}) throws(Stop) -> any Lab {
        do {
            return try io.makeLab(io.tracefsForced)
        } catch {
            before()
            log.error("\(error.description); 'sockscope replay FILE' plays a recorded lesson without root")
            throw Stop(status: .failure)
        }
    }

    /// --record's file, opened once the lab runs: a run that cannot start leaves it as it was.
    func makeRecord(signalFD: Int32, log: Diagnostics) throws(Stop) -> LessonRecord? {
        guard let path = options.recordPath else { return nil }
        let opened = OutputFiles.open(log: log) { () throws(OutputFile.OpenFailure) in
            try LessonRecord(path: path, signalFD: signalFD, log: log)
        }
        if let status = opened.status { throw Stop(status: status) }
        return opened.file
    }

    /// Without the screen: each event a line (or a JSON object) on standard output.
    func script(_ lesson: Lesson, signalFD: Int32, log: Diagnostics, ladder: LessonPictures? = nil) throws(Stop) -> ExitStatus {
        let lab = try makeLab(log: log)
        defer { lab.stop() }
        let record = try makeRecord(signalFD: signalFD, log: log)
        let out = StandardOutput(io.stdout)
        let json = options.json
        let runner = LessonRunner(lesson: lesson, lab: lab, io: io, signalFD: signalFD) { event throws(Stop) in
            try record?.write(event)
            ladder?.take(event)
            try Self.write((json ? event.json.text : event.line) + "\n", to: out, signalFD: signalFD, log: log)
        }
        if let reason = lab.traceUnavailable, !json { log.write("sockscope: transitions from the socket table only: the tracepoint is off (\(reason))") }
        if options.quiz {
            let answers = AnswerLines(fd: io.stdin, signalFD: signalFD)
            runner.ask = { _ throws(Stop) in try answers.next() ?? "" }
        }
        let passed = try runner.run()
        return passed == lesson.steps.count ? .success : .failure
    }

    /// On the screen: each step waits for Space or Enter; r starts again in a new lab; q leaves.
    func screen(_ lesson: Lesson, signalFD: Int32, log: Diagnostics, ladder: LessonPictures? = nil) throws(Stop) -> ExitStatus {
        var lab = try makeLab(log: log)
        defer { lab.stop() }
        // Before the screen opens: a FIFO's wait is said on the terminal as it is.
        let record = try makeRecord(signalFD: signalFD, log: log)
        let screen = try LessonScreen.open(io: io, signalFD: signalFD, log: log)
        defer { screen.close() }
        screen.model.big = options.big
        while true {
            let runner = LessonRunner(lesson: lesson, lab: lab, io: io, signalFD: signalFD) { event throws(Stop) in
                try record?.write(event)
                ladder?.take(event)
                screen.show(event)
            }
            runner.keyboard = screen.screen.keyboard
            runner.onKeys = { () throws(Stop) in try screen.keysDuringStep() }
            runner.onSignal = { screen.handles($0) }
            runner.endsEvery = 0.5
            runner.afterRound = { screen.drawIfChanged() }
            if options.quiz { runner.ask = { question throws(Stop) in try screen.answer(question) } }
            // Between steps the lab keeps running, so that what is held is seen held, live.
            func choose() throws(Stop) -> LessonScreen.Choice {
                screen.waiting(true)
                defer { screen.waiting(false) }
                try runner.idle { screen.pending != nil }
                return screen.take()
            }
            do {
                let passed = try runner.run { index throws(Stop) in
                    let step = lesson.steps[index]
                    screen.model.upcoming = .init(number: index + 1, title: step.title, says: step.says)
                    defer { screen.model.upcoming = nil }
                    switch try choose() {
                    case .next: return
                    case .restart: throw Stop(status: .success, restart: true)
                    case .leave: throw Stop(status: .success)
                    }
                }
                while try choose() != .restart {
                    if screen.left { return passed == lesson.steps.count ? .success : .failure }
                }
            } catch {
                guard error.restart else { throw error }
            }
            lab.stop()
            lab = try makeLab(log: log) { screen.close() }
            record?.restart()
            ladder?.restart()
            screen.reset()
        }
    }

    static func write(_ text: String, to out: StandardOutput, signalFD: Int32, log: Diagnostics) throws(Stop) {
        if let status = OutputLines.write(text, to: out, signalFD: signalFD, log: log) { throw Stop(status: status) }
    }

    /// One line per lesson, in the order suggested for a class: its name, its minutes, what it shows.
    func list() -> ExitStatus {
        guard case .written = StandardOutput(io.stdout).writeAll(LessonCatalog.listing(), signalFD: -1) else { return .failure }
        return .success
    }
}
