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
        public init() {}
    }

    let options: Options
    let io: SystemIO

    public init(options: Options, io: SystemIO) {
        self.options = options
        self.io = io
    }

    /// A recording larger than this is not one sockscope wrote (an hour-long lesson is a few MB).
    static let largest = 256 << 20

    public func run() -> ExitStatus {
        let log = Diagnostics(fd: io.stderr, verbose: true)
        let events: [LessonEvent]
        switch Self.read(options.path) {
        case .success(let read): events = read
        case .failure(let problem):
            log.error("replay: \(problem.text)")
            return .failure
        }
        OutputLines.ignoreBrokenPipe()
        let interactive = !options.script && Terminal.isInteractive(stdin: io.stdin, stdout: io.stdout)
        let signalFD = io.signalDescriptor(interactive ? SystemIO.screenSignals : SystemIO.endingSignals)
        defer { if signalFD >= 0 { close(signalFD) } }
        do {
            if interactive { return try screen(events, signalFD: signalFD, log: log) }
            let out = StandardOutput(io.stdout)
            for event in events {
                try LessonMode.write((options.json ? event.json.text : event.line) + "\n", to: out, signalFD: signalFD, log: log)
            }
            return .success
        } catch {
            return error.status
        }
    }

    struct Problem: Error { let text: String }

    /// The events of a recording, or why it is not one.
    static func read(_ path: String) -> Result<[LessonEvent], Problem> {
        var info = stat()
        guard stat(path, &info) == 0 else { return .failure(Problem(text: "\(path): \(String(cString: strerror(errno)))")) }
        // A regular file: a device or a FIFO could be endless.
        guard info.st_mode & S_IFMT == S_IFREG else { return .failure(Problem(text: "\(path) is not a regular file")) }
        guard info.st_size <= largest else { return .failure(Problem(text: "\(path) is too large to be a lesson recording")) }
        guard let text = ProcFile.read(path) else { return .failure(Problem(text: "\(path): \(String(cString: strerror(errno)))")) }
        var events: [LessonEvent] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            guard let value = JSONReader.parse(String(line)), let event = LessonEvent(json: value) else {
                return .failure(Problem(text: "\(path) line \(index + 1) is not a lesson event"))
            }
            events.append(event)
        }
        guard case .lesson? = events.first else { return .failure(Problem(text: "\(path) is not a lesson recording (no lesson line first)")) }
        return .success(events)
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

    func screen(_ events: [LessonEvent], signalFD: Int32, log: Diagnostics) throws(LessonMode.Stop) -> ExitStatus {
        let screen = try LessonScreen.open(io: io, signalFD: signalFD, log: log)
        defer { screen.close() }
        let groups = Self.steps(events)
        var next = 0
        while true {
            if next < groups.count {
                for event in groups[next] { screen.model.apply(event) }
                next += 1
            }
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
