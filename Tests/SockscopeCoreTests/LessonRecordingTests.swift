import Testing
import TestSupport
@testable import SockscopeCore

/// Recordings read back as the hostile files they may be: every number bounded where it enters,
/// every text escaped where it leaves, a recording cut short replayed as far as it goes.
@Suite struct LessonRecordingTests {
    /// A real run of `close`, recorded (the TUI tests' fixture).
    static let fixture: [UInt8] = {
        let directory = #filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast(2).joined(separator: "/")
        return readFile("\(directory)/SockscopeTUITests/Fixtures/Lessons/close.jsonl")
    }()

    static var lines: [String] { String(decoding: fixture, as: UTF8.self).split(separator: "\n").map(String.init) }

    static func events(_ bytes: [UInt8]) throws -> [LessonEvent] {
        guard case .success(let recording) = LessonRecording.read(bytes) else { throw ReadFailed() }
        return recording.events
    }

    struct ReadFailed: Error {}

    @Test func theFixtureIsWhole() throws {
        guard case .success(let recording) = LessonRecording.read(Self.fixture) else {
            Issue.record("the fixture does not read")
            return
        }
        #expect(recording.events.count == Self.lines.count)
        #expect(recording.endsEarlyAt == nil && recording.earlyEnding == nil)
    }

    // MARK: numbers

    /// A value of `field` in an object, set (`key` may be `local[1]` or `ends[0].sendQ`).
    static func setting(_ field: String, to value: JSONValue, in object: JSONValue) -> JSONValue {
        guard case .object(var pairs) = object else { return object }
        func replace(_ key: String, _ make: (JSONValue) -> JSONValue) {
            if let index = pairs.firstIndex(where: { $0.0 == key }) { pairs[index].1 = make(pairs[index].1) }
        }
        if field.hasSuffix("[1]") {
            replace(String(field.dropLast(3))) { endpoint in .array([endpoint.array?.first ?? .null, value]) }
        } else if field.hasPrefix("ends[0].") {
            let key = String(field.dropFirst("ends[0].".count))
            replace("ends") { rows in .array((rows.array ?? []).enumerated().map { $0.offset == 0 ? setting(key, to: value, in: $0.element) : $0.element }) }
        } else {
            replace(field) { _ in value }
        }
        return .object(pairs)
    }

    /// Every number a recording holds, by the kind of line it is on.
    static let numberFields: [String: [String]] = [
        "lesson": ["steps"], "step": ["step", "of"], "verdict": ["step", "seconds"], "result": ["passed", "of"],
        "transition": ["time", "local[1]", "remote[1]"], "ends": ["ends[0].sendQ", "ends[0].recvQ"],
        "segment": ["time", "relSeq", "relAck", "seq", "ack", "window", "urgent", "len", "flagBits", "source[1]", "destination[1]",
                    "initiator[1]", "responder[1]"],
    ]

    /// Finite but huge, negative, or past every integer: each is refused at the line and field
    /// it is in, never handed on (a clock or a ladder would trap on it).
    @Test(arguments: [JSONValue.double(1e16), .double(-1e300), .double(1e19), .double(1e308), .int(Int.max), .int(Int.min)])
    func everyNumberIsBoundedWhereItEnters(value: JSONValue) throws {
        var lines = Self.lines
        var tried = 0
        for (kind, fields) in Self.numberFields {
            let index = try #require(lines.firstIndex { JSONReader.parse($0)?["kind"]?.string == kind }, "no \(kind) line")
            let original = try #require(JSONReader.parse(lines[index]))
            for field in fields {
                lines[index] = Self.setting(field, to: value, in: original).text
                defer { lines[index] = Self.lines[index] }
                let read = LessonRecording.read(Array((lines.joined(separator: "\n") + "\n").utf8))
                guard case .failure(.damaged(let line, .outOfRange(let named, _)?)) = read else {
                    Issue.record("\(kind).\(field) = \(value.text) was not refused as out of range: \(read)")
                    continue
                }
                #expect(line == index + 1 && named == field, "\(kind).\(field)")
                tried += 1
            }
        }
        #expect(tried == Self.numberFields.values.map(\.count).reduce(0, +))
    }

    @Test func anOutOfRangeLineSaysItsNumberAndField() {
        var lines = Self.lines
        let index = lines.firstIndex { $0.contains("\"kind\":\"verdict\"") } ?? 0
        lines[index] = Self.setting("seconds", to: .double(1e19), in: JSONReader.parse(lines[index]) ?? .null).text
        guard case .failure(let problem) = LessonRecording.read(Array((lines.joined(separator: "\n") + "\n").utf8)) else {
            Issue.record("not refused")
            return
        }
        #expect(problem.text == "line \(index + 1) is not a lesson event: 'seconds' is 1e+19, out of range (0 to 604800 seconds)")
    }

    /// The formatters are total too: a time that got past a reader is clamped, not trapped on.
    @Test func formattersNeverTrapOnHugeTimes() {
        for seconds in [1e16, -1e300, 1e19, 1e308, -0.0, .infinity, -.infinity, .nan] {
            _ = DurationText.short(seconds)
            _ = DurationText.milliseconds(seconds)
            _ = LadderTime.text(seconds)
            _ = LessonEvent.clock(seconds)
        }
        #expect(DurationText.short(1e19) == "1000000000000s")
        #expect(LessonEvent.clock(1e16) == "1000000000.000")
    }

    // MARK: cut short

    /// Cut at the end of every line and inside it (one byte in, half way, one byte short): every
    /// complete line replays, and the recording is said to end early at the line cut.
    @Test func aRecordingCutAnywhereReplaysWhatItHolds() throws {
        let lines = Self.lines
        let whole = try Self.events(Self.fixture)
        for count in 1..<lines.count {
            let kept = lines.prefix(count).joined(separator: "\n") + "\n"
            // Whole lines and no result: a run that stopped.
            guard case .success(let stopped) = LessonRecording.read(Array(kept.utf8)) else {
                Issue.record("\(count) whole lines were refused")
                continue
            }
            #expect(stopped.events == Array(whole.prefix(count)))
            #expect(stopped.endsEarlyAt == count + 1 && !stopped.cutMidLine)
            let next = Array(lines[count].utf8)
            for cut in Set([1, next.count / 2, next.count - 1]) {
                guard case .success(let cutShort) = LessonRecording.read(Array(kept.utf8) + next.prefix(cut)) else {
                    Issue.record("line \(count + 1) cut at \(cut) refused the recording")
                    continue
                }
                #expect(cutShort.events == Array(whole.prefix(count)))
                #expect(cutShort.endsEarlyAt == count + 1 && cutShort.cutMidLine)
                #expect(cutShort.earlyEnding == "ends early at line \(count + 1), cut off mid-line: the rest of the lesson is not in it")
            }
        }
    }

    @Test func aDamagedLineInTheMiddleRefusesTheWhole() {
        var lines = Self.lines
        lines[10] = String(lines[10].dropLast(5))
        #expect(LessonRecording.read(Array((lines.joined(separator: "\n") + "\n").utf8)) == .failure(.damaged(line: 11, field: nil)))
        // A first line cut off leaves nothing to replay.
        #expect(LessonRecording.read(Array(Self.fixture.prefix(20))) == .failure(.notARecording))
    }

    @Test func crlfLineEndsAndAByteOrderMarkReadTheSame() throws {
        let whole = try Self.events(Self.fixture)
        let crlf = [0xEF, 0xBB, 0xBF] + Array((Self.lines.joined(separator: "\r\n") + "\r\n").utf8)
        guard case .success(let recording) = LessonRecording.read(crlf) else {
            Issue.record("CRLF with a BOM refused")
            return
        }
        #expect(recording.events == whole && recording.endsEarlyAt == nil)
    }

    // MARK: text

    static let hostile = "A\u{1B}]0;PWNED\u{07}B\u{1B}[2J\u{0}C\rD\nE\u{8}F\u{202E}G\u{9B}H\u{2066}I\u{7F}J\u{1B}\\K\\x1b"

    /// An event of every kind with the hostile text in every string it holds.
    static func hostileEvents() -> [LessonEvent] {
        let h = hostile
        let endpoint = SocketEndpoint(address: IPAddress(text: "127.0.0.1") ?? .init(ipv4: 0), port: 1)
        return [.lesson(name: h, title: h, steps: 1), .step(number: 1, of: 1, title: h, says: h), .action(h), .holds([h, h]),
                .transition(time: 0, end: h, local: endpoint, remote: endpoint, from: .close, to: .synSent),
                .ends([EndRow(name: h, state: h, sendQueue: 1, recvQueue: 2, timer: h)]), .check(CheckResult(passed: true, text: h)),
                .verdict(number: 1, passed: true, seconds: 1, then: h), .result(name: h, passed: 1, of: 1), .problem(h)]
    }

    /// The script's lines: every control character, C1, DEL and bidirectional override shown
    /// escaped, the only raw newline the line's own.
    @Test func aScriptLineEscapesEveryTextItHolds() {
        for event in Self.hostileEvents() {
            let line = event.line
            #expect(!line.unicodeScalars.contains { $0 != "\n" && EscapedText.needsEscape($0) }, "\(line)")
            #expect(line.contains("A\\x1b]0;PWNED\\x07B\\x1b[2J\\0C\\rD\\nE\\x08F\\u{202e}G\\u{9b}H\\u{2066}I\\x7fJ\\x1b\\\\K\\\\x1b"),
                    "\(line)")
            // JSON lines carry the same text, as \u escapes a terminal never acts on.
            let json = event.json.text
            #expect(!json.unicodeScalars.contains { EscapedText.needsEscape($0) }, "\(json)")
            #expect(JSONReader.parse(json).flatMap(LessonEvent.init(json:)) == event)
        }
    }

    /// `ESC \` (the OSC terminator) and the text `\x1b` must not read the same.
    @Test func anEscapeNeverReadsAsText() {
        #expect("\u{1B}\\".terminalSafe == "\\x1b\\\\")
        #expect("\\x1b".terminalSafe == "\\\\x1b")
        #expect("\u{1B}".terminalSafe != "\\x1b".terminalSafe)
        #expect("a\u{202E}b\u{2069}c\u{200F}".terminalSafe == "a\\u{202e}b\\u{2069}c\\u{200f}")
        // The screen's last guard leaves a backslash (its views' escapes are drawn in their own
        // style) but nothing that acts on the terminal.
        #expect("\\x1b\u{1B}\u{202E}".controlsEscaped == "\\x1b\\x1b\\u{202e}")
        #expect("plain → text".controlsEscaped == "plain → text")
    }
}
