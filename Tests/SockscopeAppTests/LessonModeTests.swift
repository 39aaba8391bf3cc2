import Glibc
import Testing
import TestSupport
@testable import SockscopeApp
@testable import SockscopeCore
import SockscopeTransport

/// Lessons in-process, without root: the real lessons and their checks, run by the real runner
/// on a fake lab (`FakeLab`), recorded, and the recording replayed.
@Suite(.timeLimit(.minutes(1)))
struct LessonModeTests {
    /// The transitions of a lesson's JSON stream, as `end: FROM>TO`, in the order told.
    static func transitions(_ lines: [String]) -> [String] {
        lines.compactMap { line in
            guard let object = JSONReader.parse(line), object.text("kind") == "transition",
                  let end = object.text("end"), let from = object.text("from"), let to = object.text("to") else { return nil }
            return "\(end): \(from)>\(to)"
        }
    }

    static func run(_ name: String, lab: FakeLab, record: String? = nil, out: CapturedOutput, err: CapturedOutput) -> SockscopeApp.ExitStatus {
        var io = SystemIO.forTest(stdout: out, stderr: err)
        io.makeLab = { _ throws(TransportError) in lab }
        var options = LessonMode.Options()
        options.name = name
        options.script = true
        options.json = true
        options.recordPath = record
        return LessonMode(options: options, io: io).run()
    }

    /// Every step of the handshake passes on the model, each check judged as on the kernel; the
    /// client's SYN_SENT is told before its ESTABLISHED, and the request socket's SYN_RECV once.
    @Test func theHandshakeRunsWithoutRoot() async throws {
        try await offPool { () throws in
            let out = CapturedOutput(), err = CapturedOutput(), lab = FakeLab()
            #expect(Self.run("handshake", lab: lab, out: out, err: err) == .success, "\(err.text)")
            let lines = out.lines
            #expect(lines.last == #"{"kind":"result","name":"handshake","passed":5,"of":5}"#)
            #expect(Self.transitions(lines) == ["listener: CLOSE>LISTEN", "client: CLOSE>SYN_SENT", "server: LISTEN>SYN_RECV",
                                                "client: SYN_SENT>ESTABLISHED", "server: SYN_RECV>ESTABLISHED"])
            #expect(lab.stopped)
        }
    }

    /// The four-way close: the client's FIN_WAIT2 → CLOSE, as the tracepoint says it, is told
    /// as the handoff to TIME_WAIT that the lab's exact lookup finds (the observer's rule, as in
    /// the screen and `states --events`); the recording replays the same stream without a lab.
    @Test func theCloseHandsOffToTimeWaitAndReplays() async throws {
        try await offPool { () throws in
            let scratch = Paths.temporaryDirectory()
            defer { Paths.removeTree(scratch) }
            let out = CapturedOutput(), err = CapturedOutput(), lab = FakeLab()
            #expect(Self.run("close", lab: lab, record: scratch + "/close.jsonl", out: out, err: err) == .success, "\(err.text)")
            let told = Self.transitions(out.lines)
            #expect(told.suffix(6) == ["client: ESTABLISHED>FIN_WAIT1", "server: ESTABLISHED>CLOSE_WAIT", "client: FIN_WAIT1>FIN_WAIT2",
                                       "server: CLOSE_WAIT>LAST_ACK", "client: FIN_WAIT2>TIME_WAIT", "server: LAST_ACK>CLOSE"])

            // Replayed in-process: the same events, line for line.
            let replayed = CapturedOutput(), replayErr = CapturedOutput()
            var options = ReplayMode.Options()
            options.path = scratch + "/close.jsonl"
            options.script = true
            options.json = true
            #expect(ReplayMode(options: options, io: .forTest(stdout: replayed, stderr: replayErr)).run() == .success,
                    "\(replayErr.text)")
            #expect(replayed.lines == out.lines)
        }
    }

    /// A lab that cannot be made is one line, exit 1, and --record's file is not touched.
    @Test func noLabIsOneLineAndNoRecord() async throws {
        try await offPool { () throws in
            let scratch = Paths.temporaryDirectory()
            defer { Paths.removeTree(scratch) }
            let out = CapturedOutput(), err = CapturedOutput()
            var io = SystemIO.forTest(stdout: out, stderr: err)
            io.makeLab = { _ throws(TransportError) in throw TransportError("lessons need root") }
            var options = LessonMode.Options()
            options.name = "handshake"
            options.script = true
            options.recordPath = scratch + "/never.jsonl"
            #expect(LessonMode(options: options, io: io).run() == .failure)
            #expect(err.lines == ["sockscope: lessons need root; 'sockscope replay FILE' plays a recorded lesson without root"])
            #expect(access(scratch + "/never.jsonl", F_OK) != 0)
        }
    }
}
