import Glibc
import SockscopeCore
import SockscopeTransport

/// `sockscope lesson`: the list of lessons, or one lesson run in a lab of its own — as a script
/// (`--script`: lines; `--json`: JSON lines), exit 0 only when every step passed.
public struct LessonMode {
    public struct Options {
        public var name: String?
        public var json = false
        public init() {}
    }

    /// Why a run stopped early: a signal, or standard output failed.
    struct Stop: Error { let status: ExitStatus }

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
        let signalFD = io.signalDescriptor(SystemIO.endingSignals)
        defer { if signalFD >= 0 { close(signalFD) } }
        let lab: LessonLab
        do {
            lab = try LessonLab()
        } catch {
            log.error("\(error.description); 'sockscope replay FILE' plays a recorded lesson without root")
            return .failure
        }
        defer { lab.stop() }
        let out = StandardOutput(io.stdout)
        let json = options.json
        let runner = LessonRunner(lesson: lesson, lab: lab, io: io, signalFD: signalFD) { event throws(Stop) in
            let text = (json ? event.json.text : event.line) + "\n"
            switch out.writeAll(text, signalFD: signalFD) {
            case .written, .timedOut: return
            case .interrupted(let signal): throw Stop(status: .signal(signal))
            case .failed(let code):
                log.error("write to standard output failed: \(String(cString: strerror(code)))")
                throw Stop(status: .failure)
            }
        }
        if let reason = lab.traceUnavailable, !json { log.write("sockscope: transitions from the socket table only: the tracepoint is off (\(reason))") }
        do {
            let passed = try runner.run()
            return passed == lesson.steps.count ? .success : .failure
        } catch {
            return error.status
        }
    }

    /// One line per lesson: its name and what it shows.
    func list() -> ExitStatus {
        let width = LessonCatalog.all.map(\.name.count).max() ?? 0
        var text = ""
        for lesson in LessonCatalog.all {
            text += lesson.name + String(repeating: " ", count: width - lesson.name.count + 2) + lesson.summary + "\n"
        }
        guard case .written = StandardOutput(io.stdout).writeAll(text, signalFD: -1) else { return .failure }
        return .success
    }
}
