import Glibc
import SockscopeCore
@testable import SockscopeTUI
import Testing
import TestSupport

/// The lesson screen drawn from a recording of a real run of `close` (Fixtures/Lessons, made with
/// `sockscope lesson close --script --record`): what `sockscope replay` shows, step by step.
@Suite struct LessonViewTests {
    static func recording() throws -> [LessonEvent] {
        let directory = #filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let path = "\(directory)/Fixtures/Lessons/close.jsonl"
        let bytes = readFile(path)
        try #require(!bytes.isEmpty, "cannot read \(path)")
        return try String(decoding: bytes, as: UTF8.self).split(separator: "\n").map { line in
            try #require(JSONReader.parse(String(line)).flatMap(LessonEvent.init(json:)), "not an event: \(line)")
        }
    }

    /// The model after the events up to the end of step `steps` (all with nil).
    static func model(through steps: Int? = nil) throws -> LessonScreenModel {
        var model = LessonScreenModel()
        var seen = 0
        for event in try recording() {
            if case .step = event {
                seen += 1
                if let steps, seen > steps { break }
            }
            model.apply(event)
        }
        model.waitingForKey = true
        return model
    }

    @Test(arguments: [(120, 40), (80, 24)])
    func theWholeCloseReplayed(columns: Int, rows: Int) throws {
        let grid = CellGrid(rows: rows, columns: columns)
        LessonView().draw(try Self.model(), on: grid)
        assertSnapshot(grid.text, named: "lesson-close-\(columns)x\(rows).txt")
        #expect(grid.text.contains("Lesson over: 5 of 5 steps passed."))
        #expect(grid.text.split(separator: "\n").allSatisfy { DisplayWidth.of(String($0)) <= columns })
    }

    /// At 80×24 the ladder keeps 8 rows of segments (the close no longer scrolls away in 3); the
    /// narration is folded with `…` and the key that shows it, which gives it the screen.
    @Test func at80x24TheLadderKeepsEightRowsAndNShowsTheNarration() throws {
        var model = try Self.model()
        let grid = CellGrid(rows: 24, columns: 80)
        LessonView().draw(model, on: grid)
        let lines = grid.text.split(separator: "\n", omittingEmptySubsequences: false)
        let heads = try #require(lines.firstIndex { $0.hasPrefix("time ") })
        #expect(lines[(heads + 1)...].prefix { $0.hasPrefix("+") }.count >= 8, "\(grid.text)")
        #expect(grid.text.contains("… (n: all of it)"))
        model.narrationWhole = true
        let whole = CellGrid(rows: 24, columns: 80)
        LessonView().draw(model, on: whole)
        #expect(!whole.text.contains("(n: all of it)") && whole.text.contains("✓ server has no socket"), "\(whole.text)")
    }

    /// The projector view (`b`, --big): the ladder on every row but four, the ends' states and
    /// the step one line each.
    @Test func theProjectorViewGivesTheLadderTheScreen() throws {
        var model = try Self.model()
        model.big = true
        let grid = CellGrid(rows: 24, columns: 80)
        LessonView().draw(model, on: grid)
        assertSnapshot(grid.text, named: "lesson-close-big-80x24.txt")
        let lines = grid.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.filter { $0.hasPrefix("+") }.count >= 12, "\(grid.text)")
        #expect(lines[21].contains("client TIME_WAIT") && lines[21].contains("listener LISTEN"), "\(grid.text)")
        #expect(lines[23].contains("b big"))
    }

    /// Held at step 4: the server in LAST_ACK, the client's ACK stopped at ✗, the hold named.
    @Test func lastAckHeld() throws {
        let grid = CellGrid(rows: 40, columns: 120)
        var model = try Self.model(through: 4)
        model.upcoming = .init(number: 5, title: "Why TIME_WAIT", says: "The ACK is let through.")
        LessonView().draw(model, on: grid)
        let text = grid.text
        #expect(text.contains(" server    LAST_ACK"), "\(text)")
        #expect(text.contains(" client    TIME_WAIT"))
        #expect(text.contains("holding: ACK to server"))
        // Once a step is done, the next is announced with the key that runs it; what the done
        // step said is shortened, what it did gives way, its checks stay.
        #expect(text.contains("Next, step 5: Why TIME_WAIT") && text.contains(" The ACK is let through."))
        #expect(text.contains("Space or Enter: step 5."))
        #expect(text.contains("✓ server is LAST_ACK") && text.contains(" The server calls close()") && !text.contains("hold: drop ACK to server ·"))
        // The dropped ACK's arrow ends at ✗, short of the server's rail.
        #expect(text.split(separator: "\n").contains { $0.contains(". ACK seq 2 ack 2") && $0.contains("✗") }, "\(text)")
        #expect(model.heads(of: try #require(model.ladder)).left.hasPrefix("client 127.0.0.1:40001"))
    }

    /// Replayed or live, the model is the events': applying them twice over gives the same
    /// drawing (no hidden state in the view).
    @Test func theDrawingIsTheEventsAlone() throws {
        let first = CellGrid(rows: 40, columns: 120), second = CellGrid(rows: 40, columns: 120)
        LessonView().draw(try Self.model(), on: first)
        LessonView().draw(try Self.model(), on: second)
        #expect(first.text == second.text)
    }

    @Test func anASCIILocaleKeepsTheLaddersShape() throws {
        let grid = CellGrid(rows: 40, columns: 120, asciiOnly: true)
        LessonView().draw(try Self.model(), on: grid)
        #expect(grid.text.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(grid.text.contains("X") && grid.text.contains("LAST_ACK"))
    }
}

extension LessonViewTests {
    /// Every recorded event reads back to the very line it was written as.
    @Test func theRecordingReadsBackToItself() throws {
        let directory = #filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let events = try Self.recording()
        #expect(events.count > 40)
        #expect(events.contains { if case .segment(_, _, _, let seen) = $0 { seen.dropped } else { false } })
        var text = ""
        for event in events { text += event.json.text + "\n" }
        #expect(String(decoding: readFile("\(directory)/Fixtures/Lessons/close.jsonl"), as: UTF8.self) == text)
        #expect(JSONReader.parse("{\"a\":[1,2.5,\"x\\u0041\\n\",null,true]}")?.text == "{\"a\":[1,2.5,\"xA\\n\",null,1]}")
        #expect(JSONReader.parse("{\"a\":1") == nil && JSONReader.parse("[1,]") == nil && JSONReader.parse("1 2") == nil)
        #expect(JSONReader.parse(String(repeating: "[", count: 100) + String(repeating: "]", count: 100)) == nil, "nesting is bounded")
    }
}

extension LessonViewTests {
    /// However small the terminal, the view draws without a trap and within its cells.
    @Test(arguments: [(20, 5), (10, 3), (40, 12), (200, 60)])
    func anySizeDraws(columns: Int, rows: Int) throws {
        let grid = CellGrid(rows: rows, columns: columns)
        LessonView().draw(try Self.model(through: 4), on: grid)
        #expect(grid.text.split(separator: "\n").allSatisfy { DisplayWidth.of(String($0)) <= columns })
        #expect(grid.text.split(separator: "\n", omittingEmptySubsequences: false).count <= rows + 1)
    }
}

/// A recording's texts drawn on the lesson screen: what follows a NUL, CR, LF or BS is shown
/// escaped, not cut off; nothing that acts on a terminal reaches a cell.
@Suite struct HostileLessonTextTests {
    static let hostile = "A\u{1B}]0;PWNED\u{07}B\u{0}C\rD\nE\u{8}F\u{202E}G"

    @Test func everyTextIsShownEscapedAndWhole() {
        let h = Self.hostile
        var model = LessonScreenModel()
        for event: LessonEvent in [.lesson(name: "n" + h, title: "t" + h, steps: 2), .step(number: 1, of: 2, title: "s" + h, says: "says" + h),
                                   .action("do" + h), .holds(["hold" + h]), .ends([EndRow(name: "end" + h, state: "ESTABLISHED", timer: "timer" + h)]),
                                   .check(CheckResult(passed: true, text: "check" + h)), .verdict(number: 1, passed: true, seconds: 1, then: "then" + h),
                                   .problem("problem" + h)] {
            model.apply(event)
        }
        model.endsEarly = "ends early" + h
        let grid = CellGrid(rows: 40, columns: 200)
        LessonView().draw(model, on: grid)
        let text = grid.text
        #expect(!grid.cells.joined().contains { $0.text.unicodeScalars.contains(where: EscapedText.needsEscape) })
        let shown = "A\\x1b]0;PWNED\\x07B\\0C\\rD\\nE\\x08F\\u{202e}G"
        for prefix in ["check", "then", "says", "problem", "hold", "end", "ends early"] {
            #expect(text.contains(prefix + shown), "\(prefix) not shown whole: \(text)")
        }
    }

    /// The screen's own guard: a view that forgot to escape still cannot act on the terminal.
    @Test func theGridShowsAControlCharacterEscaped() {
        let grid = CellGrid(rows: 2, columns: 40)
        grid.put("a\u{0}b\rc\u{1B}[2Jd\u{202E}e", row: 0, column: 0, style: .normal)
        #expect(grid.text.hasPrefix("a\\0b\\rc\\x1b[2Jd\\u{202e}e\n"))
    }
}
