import Foundation
import Glibc
import Testing
import TestSupport

/// `sockscope replay FILE` with the recordings an adversary would hand a class: text that
/// speaks to the terminal, numbers past every range, a file cut short, something that is not a
/// file at all. Each recording is made here from the fixture (a real run of `close`). One at a
/// time, beside the rest of the suite.
@Suite(.serialized) struct ReplayFileTests {
    static let fixture = Paths.packageRoot + "/Tests/SockscopeTUITests/Fixtures/Lessons/close.jsonl"

    static func fixtureLines() throws -> [[String: Any]] {
        try String(decoding: readFile(fixture), as: UTF8.self).split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    static func write(_ objects: [[String: Any]], to path: String) throws {
        let lines = try objects.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
        writeFile(path, Array((lines.joined(separator: "\n") + "\n").utf8))
    }

    /// An OSC title, a screen clear, a NUL, CR, LF, BS, an RTL override, a C1 CSI.
    static let hostile = "A\u{1B}]0;PWNED\u{07}B\u{1B}[2J\u{0}C\rD\nE\u{8}F\u{202E}G\u{9B}H"
    static let hostileShown = "A\\x1b]0;PWNED\\x07B\\x1b[2J\\0C\\rD\\nE\\x08F\\u{202e}G\\u{9b}H"

    /// The fixture with the hostile text after every string a person reads (26 fields: the
    /// lesson's name and title, each step's title and narration, actions, holds, each end's
    /// name, state and timer, checks, verdicts' "then", segments' ends…).
    static func hostileRecording(_ path: String) throws {
        let kept: Set<String> = ["kind", "flags", "summary"]
        let objects = try fixtureLines().map { object -> [String: Any] in
            var object = object
            let parsedNames = object["kind"] as? String == "transition" ? Set(["from", "to"]) : []
            for (key, value) in object where !kept.contains(key) && !parsedNames.contains(key) {
                if let text = value as? String { object[key] = text + hostile }
                if let names = value as? [String] { object[key] = names.map { $0 + hostile } }
                if let rows = value as? [[String: Any]] {
                    object[key] = rows.map { row in row.mapValues { ($0 as? String).map { $0 + hostile } ?? $0 } }
                }
            }
            return object
        }
        try write(objects, to: path)
    }

    /// The bytes a terminal would act on: C0 but LF, DEL, C1 (as UTF-8), bidirectional controls.
    static func actsOnATerminal(_ bytes: [UInt8]) -> Bool {
        String(decoding: bytes, as: UTF8.self).unicodeScalars.contains { scalar in
            (scalar.value < 0x20 && scalar != "\n") || (0x7F...0x9F).contains(scalar.value)
                || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
        }
    }

    @Test func aRecordingsTextIsShownEscapedInTheScript() async throws {
        let scratch = Scratch()
        let path = scratch.file("hostile.jsonl")
        try Self.hostileRecording(path)
        let script = try await Child.finish([Paths.sockscope, "replay", path, "--script"])
        #expect(script.code == 0, "\(script.stderrText)")
        #expect(!Self.actsOnATerminal(script.stdout), "\(script.stdoutText.prefix(2000))")
        let lines = script.stdoutText.split(separator: "\n")
        #expect(lines.filter { $0.contains(Self.hostileShown) }.count >= 70, "every line's text, escaped and whole")
        #expect(lines.contains { $0.hasPrefix("lesson close\(Self.hostileShown): ") })
        let json = try await Child.finish([Paths.sockscope, "replay", path, "--script", "--json"])
        #expect(json.code == 0)
        #expect(!Self.actsOnATerminal(json.stdout))
        // The same recording, read back from its JSON lines.
        #expect(json.stdoutText.contains(#"A\u001b]0;PWNED\u0007B\u001b[2J\u0000C\rD\nE\u0008F\u202eG\u009bH"#))
    }

    /// Finite but huge numbers (a segment's or transition's time, a verdict's seconds) end the
    /// replay in one line naming the line and the field, exit 1 — never a trap (SIGILL, 132).
    @Test(arguments: [("segment", "time", 1e16), ("transition", "time", 1e16), ("segment", "time", -1e300),
                      ("verdict", "seconds", 1e19), ("lesson", "steps", 1e30)])
    func aNumberOutOfRangeIsOneLine(kind: String, field: String, value: Double) async throws {
        let scratch = Scratch()
        var objects = try Self.fixtureLines()
        let index = try #require(objects.firstIndex { $0["kind"] as? String == kind })
        objects[index][field] = value
        let path = scratch.file("huge.jsonl")
        try Self.write(objects, to: path)
        let run = try await Child.finish([Paths.sockscope, "replay", path, "--script"])
        #expect(run.code == 1)
        #expect(run.stdout.isEmpty)
        #expect(run.stderrLines.count == 1)
        #expect(run.stderrText.hasPrefix("sockscope: replay: \(path) line \(index + 1) ") && run.stderrText.contains("'\(field)'"),
                "\(run.stderrText)")
    }

    /// On a terminal the same: the line, exit 1, and the terminal as it was (no alternate
    /// screen left on, no backtrace waiting at a prompt).
    @Test(.enabled(if: Paths.which("tmux"), "skipped: needs tmux")) func aNumberOutOfRangeLeavesTheTerminalAsItWas() async throws {
        let scratch = Scratch()
        var objects = try Self.fixtureLines()
        let index = try #require(objects.firstIndex { $0["kind"] as? String == "segment" })
        objects[index]["time"] = -1e300
        let path = scratch.file("huge.jsonl")
        try Self.write(objects, to: path)
        let (screen, alternate) = try await offPool {
            let tmux = try Tmux("\(Paths.sockscope) replay \(path)", columns: 100, rows: 20)
            let screen = try tmux.wait(for: "the exit") { $0.contains("EXIT=") }
            return (screen, tmux.format("#{alternate_on}"))
        }
        #expect(screen.contains("line \(index + 1) is not a lesson event: 'time'") && screen.contains("EXIT=1"), "\(screen)")
        #expect(alternate == "0")
    }

    /// The replay screen in a real terminal: the pane's title stays, the screen is not cleared,
    /// and the text after a NUL is there, escaped.
    @Test(.enabled(if: Paths.which("tmux"), "skipped: needs tmux")) func theReplayScreenShowsARecordingsTextEscaped() async throws {
        let scratch = Scratch()
        let path = scratch.file("hostile.jsonl")
        try Self.hostileRecording(path)
        let (screen, title) = try await offPool {
            let tmux = try Tmux("\(Paths.sockscope) replay \(path)", columns: 160, rows: 40)
            let before = tmux.format("#{pane_title}")
            try tmux.wait(forText: "Press Space or Enter to begin.")
            try tmux.replaySteps(5)
            let screen = try tmux.wait(for: "the last step") { $0.contains("Lesson over: 5 of 5 steps passed.") }
            let title = tmux.format("#{pane_title}")
            tmux.send("q")
            try tmux.wait(forText: "EXIT=0")
            return (screen, before == title ? "unchanged" : title)
        }
        #expect(title == "unchanged")
        #expect(!screen.contains("PWNED\u{7}"))
        #expect(screen.contains("A\\x1b]0;PWNED\\x07B\\x1b[2J\\0C\\rD\\nE"), "the text after the NUL is shown: \(screen)")
    }

    /// A recording cut off mid-line (a full disk) replays every complete line, then says in one
    /// line where it ends, exit 1; a run that stopped (no result line) likewise.
    @Test func aRecordingCutShortReplaysWhatItHolds() async throws {
        let scratch = Scratch()
        let bytes = readFile(Self.fixture)
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        let cut = scratch.file("cut.jsonl"), stopped = scratch.file("stopped.jsonl")
        writeFile(cut, Array(lines.prefix(46).joined(separator: [0x0A])) + [0x0A] + Array(lines[46].prefix(30)))
        writeFile(stopped, Array(lines.prefix(40).joined(separator: [0x0A])) + [0x0A])
        let whole = try await Child.finish([Paths.sockscope, "replay", Self.fixture, "--script"])
        let wholeLines = whole.stdoutText.split(separator: "\n", omittingEmptySubsequences: false)
        for (path, line, words) in [(cut, 47, "cut off mid-line"), (stopped, 41, "the run stopped before the lesson's result")] {
            let run = try await Child.finish([Paths.sockscope, "replay", path, "--script"])
            #expect(run.code == 1)
            #expect(run.stderrLines == ["sockscope: replay: \(path) ends early at line \(line)\(line == 47 ? ", " : ": ")\(words)"
                                        + (line == 47 ? ": the rest of the lesson is not in it" : "")])
            // What it holds is the whole run's beginning.
            let shown = run.stdoutText.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            #expect(shown.count > 40 && Array(wholeLines.prefix(shown.count)) == Array(shown))
        }
    }

    @Test func crlfAndAByteOrderMarkReplayAsTheFileDoes() async throws {
        let scratch = Scratch()
        let path = scratch.file("crlf.jsonl")
        let bytes = readFile(Self.fixture)
        writeFile(path, [0xEF, 0xBB, 0xBF] + bytes.split(separator: 0x0A).flatMap { Array($0) + [0x0D, 0x0A] })
        let plain = try await Child.finish([Paths.sockscope, "replay", Self.fixture, "--script"])
        let crlf = try await Child.finish([Paths.sockscope, "replay", path, "--script"])
        #expect(crlf.code == 0, "\(crlf.stderrText)")
        #expect(crlf.stdout == plain.stdout)
    }

    /// Opened first, then looked at: a FIFO (even one a symlink points to), a device, a file past
    /// the limit are each refused at once in one line, never read.
    @Test func onlyARegularFileOfBoundedSizeIsRead() async throws {
        let scratch = Scratch()
        let fifo = scratch.file("fifo"), link = scratch.file("link"), zero = scratch.file("zero"), huge = scratch.file("huge.jsonl")
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(symlink(fifo, link) == 0 && symlink("/dev/zero", zero) == 0)
        // 1 GiB, sparse: reading it whole would take that much memory.
        let fd = open(huge, O_WRONLY | O_CREAT, 0o600)
        #expect(ftruncate(fd, 1 << 30) == 0)
        close(fd)
        for (path, words) in [(fifo, "is not a regular file"), (link, "is not a regular file"), (zero, "is not a regular file"),
                              ("/dev/zero", "is not a regular file"), (huge, "is larger than 16 MiB")] {
            let run = try await Child.finish([Paths.sockscope, "replay", path, "--script"], timeout: 10)
            #expect(run.code == 1, "\(path)")
            #expect(run.stderrLines == ["sockscope: replay: \(path) \(words)" + (words.hasPrefix("is larger") ? ", more than a lesson recording can be" : "")],
                    "\(run.stderrText)")
        }
    }
}
