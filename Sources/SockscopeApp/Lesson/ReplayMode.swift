import Glibc
import SockscopeCore
import SockscopeTransport

/// `sockscope replay FILE`: a recorded lesson (`--record`, or `--json` output) played without root:
/// on the screen, a step at a time (Space or Enter), the same drawing as the live run; or as the
/// script's lines (`--script`, `--json`).
public struct ReplayMode {
    public struct Options {
        public var path = ""
        public var script = false
        public var json = false
        /// --ladder: the recording's ladders as SVG; --html: its page. Without --script nothing
        /// else is shown.
        public var ladderPath: String?
        public var htmlPath: String?
        public var handoutPath: String?
        /// --big: the screen starts in the projector view.
        public var big = false
        public init() {}
    }

    let options: Options
    let io: SystemIO

    public init(options: Options, io: SystemIO) {
        self.options = options
        self.io = io
    }

    /// A recording larger than this is not one sockscope wrote: the longest lesson records about
    /// 100 KB, an hour held on the screen a few MB (the man page says the limit).
    public static let largest = 16 << 20

    public func run() -> ExitStatus {
        let log = Diagnostics(fd: io.stderr, verbose: true)
        let recording: LessonRecording
        switch Self.read(options.path) {
        case .success(let read): recording = read
        case .failure(let problem):
            log.error("replay: \(problem.text)")
            return .failure
        }
        OutputLines.ignoreBrokenPipe()
        if options.ladderPath != nil || options.htmlPath != nil || options.handoutPath != nil {
            let opened = LessonPictures.open(ladder: options.ladderPath, html: options.htmlPath, handout: options.handoutPath, log: log)
            guard let ladder = opened.pictures else { return opened.status ?? .failure }
            for event in recording.events { ladder.take(event) }
            let signalFD = io.signalDescriptor(SystemIO.endingSignals)
            defer { if signalFD >= 0 { close(signalFD) } }
            if let failed = ladder.commit(signalFD: signalFD, log: log) { return failed }
            guard options.script else { return endEarly(recording, log: log) ?? .success }
        }
        let interactive = !options.script && Terminal.isInteractive(stdin: io.stdin, stdout: io.stdout)
        let signalFD = io.signalDescriptor(interactive ? SystemIO.screenSignals : SystemIO.endingSignals)
        defer { if signalFD >= 0 { close(signalFD) } }
        do {
            if interactive {
                let status = try screen(recording, signalFD: signalFD, log: log)
                return endEarly(recording, log: log) ?? status
            }
            let out = StandardOutput(io.stdout)
            for event in recording.events {
                try LessonMode.write((options.json ? event.json.text : event.line) + "\n", to: out, signalFD: signalFD, log: log)
            }
            return endEarly(recording, log: log) ?? .success
        } catch {
            return error.status
        }
    }

    /// A recording that stops short is replayed as far as it goes, then said to, exit 1: a
    /// script can tell a whole lesson from a part of one.
    func endEarly(_ recording: LessonRecording, log: Diagnostics) -> ExitStatus? {
        guard let early = recording.earlyEnding else { return nil }
        log.error("replay: \(options.path) \(early)")
        return .failure
    }

    struct Problem: Error { let text: String }

    /// The recording, or why it is not one.
    static func read(_ path: String) -> Result<LessonRecording, Problem> {
        switch InputFile.read(path, limit: largest) {
        case .failure(let failure): return .failure(Problem(text: failure.text))
        case .success(let bytes):
            return LessonRecording.read(bytes).mapError { Problem(text: "\(path) \($0.text)") }
        }
    }

    /// The recording's events before its first step, then each step's (a step ends where the
    /// next begins; the result goes with the last).
    static func steps(_ events: [LessonEvent]) -> [[LessonEvent]] {
        var groups: [[LessonEvent]] = [[]]
        for event in events {
            if case .step = event { groups.append([]) }
            groups[groups.count - 1].append(event)
        }
        return groups
    }

    func screen(_ recording: LessonRecording, signalFD: Int32, log: Diagnostics) throws(LessonMode.Stop) -> ExitStatus {
        let screen = try LessonScreen.open(io: io, signalFD: signalFD, log: log)
        defer { screen.close() }
        screen.model.big = options.big
        let groups = Self.steps(recording.events)
        var next = 0
        while true {
            if next < groups.count {
                for event in groups[next] { screen.model.apply(event) }
                next += 1
            }
            screen.model.endsEarly = next == groups.count ? recording.earlyEnding : nil
            // Every step waits for a key, the first too, and is announced, as live.
            if next < groups.count, case .step(let number, _, let title, let says)? = groups[next].first {
                screen.model.upcoming = .init(number: number, title: title, says: says)
            } else {
                screen.model.upcoming = nil
            }
            switch try screen.choose() {
            case .next: continue
            case .restart:
                screen.reset()
                next = 0
            case .leave: return .success
            }
        }
    }
}
