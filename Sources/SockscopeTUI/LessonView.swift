import SockscopeCore

/// The lesson screen: a title bar with the step; the ladder of the connection the lesson is
/// about, with each end's name over its column and dropped segments stopped at ✗; both ends'
/// table; the step's narration, checks and explanation; the keys and the holds in force. Every
/// text comes from sockscope's lessons or the kernel's numbers, never from a peer.
public struct LessonView {
    public init() {}

    /// The rows each part takes on a screen of `rows`: the ladder at least 8 rows of segments
    /// from 24 rows up (at 80×24 a close scrolled away in 3 or 4), the narration what is left,
    /// folded (`n` shows it whole); with `whole`, the narration first and the ladder the rest.
    struct Layout {
        let ladder: ScreenLayout.Region
        let table: ScreenLayout.Region
        let narration: ScreenLayout.Region

        /// The ladder's own rows beyond its segments: its rule, the heads, the detail line.
        static let ladderFrame = 3

        init(rows: Int, ends: Int, narration wanted: Int, whole: Bool = false) {
            let free = max(0, rows - 2)
            let tableRows = min(ends + 1, max(2, free / 4))
            let leastLadder = whole ? 0 : (rows >= 24 ? 8 : 3) + Self.ladderFrame
            let narrationRows = max(3, min(wanted, free - tableRows - leastLadder))
            let ladderRows = max(0, free - tableRows - narrationRows)
            ladder = ScreenLayout.Region(top: 1, height: ladderRows)
            table = ScreenLayout.Region(top: 1 + ladderRows, height: tableRows)
            narration = ScreenLayout.Region(top: 1 + ladderRows + tableRows, height: max(0, free - ladderRows - tableRows))
        }
    }

    public func draw(_ model: LessonScreenModel, on screen: Screen) {
        if model.big && model.asking == nil {
            drawBig(model, on: screen)
            return
        }
        screen.erase()
        let narration = Self.narration(model, width: screen.columns)
        let layout = Layout(rows: screen.rows, ends: model.ends.count, narration: narration.count + 1, whole: model.narrationWhole)
        drawTitle(model, on: screen)
        drawLadder(model, in: layout.ladder, on: screen)
        drawTable(model, in: layout.table, on: screen)
        drawRule("Step", detail: model.current.map { "\($0.number) of \(model.stepCount)" } ?? "", row: layout.narration.top, on: screen)
        for (offset, line) in Self.fit(narration, rows: max(0, layout.narration.height - 1), width: screen.columns).enumerated() {
            screen.put(line.text, row: layout.narration.top + 1 + offset, column: 0, width: screen.columns, style: line.style)
        }
        drawFooter(model, on: screen)
        screen.hideCursor()
        screen.present()
    }

    /// The projector view: the title, the ladder on every row but three, the ends' states on
    /// one line, the step (or what a key does next) on one, the footer.
    func drawBig(_ model: LessonScreenModel, on screen: Screen) {
        screen.erase()
        drawTitle(model, on: screen)
        let ladder = ScreenLayout.Region(top: 1, height: max(0, screen.rows - 4))
        drawLadder(model, in: ladder, on: screen)
        let ends = model.ends.map(\.text).joined(separator: " · ")
        screen.put(DisplayWidth.truncate(" " + (ends.isEmpty ? "no socket yet" : ends), to: screen.columns), row: screen.rows - 3, column: 0, style: .changed)
        // What comes next (the key to press, the lesson's result) before what the step said.
        let lines = Self.narration(model, width: screen.columns * 4)
        let line = lines.last { $0.pinned } ?? lines.first { !$0.text.trimmingBlanksOnly().isEmpty }
        screen.put(DisplayWidth.truncate(line?.text ?? "", to: screen.columns), row: screen.rows - 2, column: 0, style: line?.style ?? .normal)
        drawFooter(model, on: screen)
        screen.hideCursor()
        screen.present()
    }

    func drawTitle(_ model: LessonScreenModel, on screen: Screen) {
        screen.fill(row: 0, from: 0, style: .selected)
        var title = " lesson \(model.name): \(model.title)"
        if let step = model.current { title += " · step \(step.number)/\(model.stepCount): \(step.title)" }
        let status: String = if let result = model.result {
            " \(result.passed) of \(result.of) steps passed "
        } else if let passed = model.current?.passed {
            passed ? " ✓ passed " : " ✗ failed "
        } else if model.current != nil {
            " running… "
        } else {
            ""
        }
        let room = max(0, screen.columns - DisplayWidth.of(status))
        screen.put(DisplayWidth.truncate(title, to: room), row: 0, column: 0, style: .selected)
        screen.put(status, row: 0, column: room, style: .selected)
    }

    func drawLadder(_ model: LessonScreenModel, in region: ScreenLayout.Region, on screen: Screen) {
        guard region.height > 0 else { return }
        guard let ladder = model.ladder else {
            drawRule("Ladder", detail: "segments", row: region.top, on: screen)
            screen.put("No segment yet: the connection's segments will appear here.", row: region.top + 1, column: 0,
                       width: screen.columns, style: .dim)
            return
        }
        // The detail line says when in the lesson; the rows, when in the connection.
        var view = LadderView(formatTime: { "at " + DurationText.short($0) + " into the lesson" })
        view.dropped = { model.dropped.contains($0) }
        view.heads = { model.heads(of: $0) }
        let count = model.ladders.count
        let following = model.chosenLadder == nil ? ", the latest" : ""
        view.drawLadder(ladder, rows: Self.rows(of: ladder), back: model.ladderBack, focused: false,
                        detail: count > 1 ? "connection \((model.shownLadder ?? 0) + 1) of \(count)\(following)" : "one connection",
                        hint: count > 1 ? "✗ dropped by a hold · ←/→ connection, ↑/↓ rows" : "✗ dropped by a hold · ↑/↓ rows",
                        in: region, on: screen)
    }

    /// A lesson's ladder rows. Its states come from the tracepoint, exact: one is written beside
    /// a segment only when it changed within a few milliseconds of it.
    public static func rows(of ladder: Ladder) -> [LadderRow] { ladder.rows(stateJoins: 0.005) }

    func drawTable(_ model: LessonScreenModel, in region: ScreenLayout.Region, on screen: Screen) {
        guard region.height > 0 else { return }
        drawRule("Ends", detail: "the kernel's table", row: region.top, on: screen)
        let nameWidth = max(6, model.ends.map { DisplayWidth.of($0.name) }.max() ?? 0)
        for (offset, end) in model.ends.prefix(max(0, region.height - 1)).enumerated() {
            let row = region.top + 1 + offset
            var column = screen.put(" " + end.name.padding(nameWidth), row: row, column: 0, style: .title)
            column = screen.put("  " + end.state.padding(12), row: row, column: column, style: end.state == "-" ? .dim : .changed)
            guard end.state != "-" else { continue }
            column = screen.put("  Send-Q \(end.sendQueue)  Recv-Q \(end.recvQueue)", row: row, column: column, style: .normal)
            if !end.timer.isEmpty { screen.put("  \(end.timer)", row: row, column: column, width: screen.columns - column, style: .dim) }
        }
    }

    func drawFooter(_ model: LessonScreenModel, on screen: Screen) {
        let row = screen.rows - 1
        let keys = model.result != nil || model.problem != nil ? " r restart · n narration · b big · q leave" :
            model.waitingForKey ? " Space/Enter next step · n narration · b big · r restart · q leave" : " n narration · b big · r restart · q leave"
        var column = screen.put(keys, row: row, column: 0, style: .key)
        if !model.holds.isEmpty {
            column = screen.put(" · holding: ", row: row, column: column, style: .dim)
            screen.put(model.holds.joined(separator: ", "), row: row, column: column, width: screen.columns - column, style: .warning)
        }
    }

    struct Line: Equatable {
        var text: String
        var style: Style
        /// Kept when the narration is cut to fit (the result, or what key comes next).
        var pinned = false
    }

    /// The lines in `rows`: cut from the end of what the step says, the pinned last line kept.
    /// A narration cut short says so: its last line shown ends in `…` and names the key that
    /// shows it whole.
    static func fit(_ lines: [Line], rows: Int, width: Int = 80) -> [Line] {
        guard lines.count > rows, rows > 0 else { return lines }
        let pinned = lines.last.flatMap { $0.pinned ? $0 : nil }
        var shown = Array(lines.prefix(rows - (pinned == nil ? 0 : 1)))
        if let cut = shown.last {
            let more = " … (n: all of it)"
            let text = DisplayWidth.truncate(cut.text, to: max(1, width - DisplayWidth.of(more)))
            shown[shown.count - 1] = Line(text: (text.hasSuffix("…") ? String(text.dropLast()) : text) + more, style: cut.style)
        }
        return shown + (pinned.map { [$0] } ?? [])
    }

    /// The step's text wrapped to the width: what it says, what it did, the checks, and once it
    /// passed, the explanation; a failed lab's reason; the result.
    static func narration(_ model: LessonScreenModel, width: Int) -> [Line] {
        let next = model.waitingForKey ? model.upcoming : nil
        var lines: [Line] = []
        if let step = model.current {
            // Once a step is done and the next is announced, what it did has been seen and what
            // it said is shortened: its checks and explanation stay, beside what comes next.
            lines += TransitionLogView.wrap(step.says, width: width - 2, maxRows: next == nil ? 6 : 2).map { Line(text: " " + $0, style: .normal) }
            if next == nil {
                if !step.actions.isEmpty {
                    lines += TransitionLogView.wrap(step.actions.joined(separator: " · "), width: width - 4, maxRows: 2)
                        .map { Line(text: "   " + $0, style: .dim) }
                }
            }
            for check in step.checks {
                lines.append(Line(text: (check.passed ? " ✓ " : " ✗ ") + DisplayWidth.truncate(check.text, to: width - 4),
                                  style: check.passed ? .changed : .warning))
            }
            for answer in step.answers {
                let given = answer.given.isEmpty ? "(no answer)" : answer.given
                lines.append(Line(text: DisplayWidth.truncate((answer.right ? " ✓ " : " ✗ ") + "you: \(answer.question) \(given) · the kernel: \(answer.truth)",
                                                          to: width), style: answer.right ? .changed : .warning))
            }
            if step.passed == true, let then = step.then {
                lines += TransitionLogView.wrap(then, width: width - 2, maxRows: 3).map { Line(text: " " + $0, style: .note) }
            }
        }
        if let asking = model.asking {
            lines += TransitionLogView.wrap("Predict: " + asking.question, width: width - 2, maxRows: 3).map { Line(text: " " + $0, style: .title) }
            lines.append(Line(text: DisplayWidth.truncate(" > " + asking.typed + "▏  (Enter answers, Esc skips)", to: width), style: .key, pinned: true))
            return lines
        }
        if let next {
            lines.append(Line(text: DisplayWidth.truncate(" Next, step \(next.number): \(next.title)", to: width), style: .title))
            lines += TransitionLogView.wrap(next.says, width: width - 2, maxRows: 6).map { Line(text: " " + $0, style: .normal) }
            let prompt = model.current == nil ? " Press Space or Enter to begin." : " Space or Enter: step \(next.number)."
            lines.append(Line(text: prompt, style: .key, pinned: true))
        } else if model.current == nil {
            lines.append(Line(text: " Press Space or Enter to begin.", style: .key, pinned: true))
        }
        if let problem = model.problem { lines.append(Line(text: " The lab failed: \(problem)", style: .warning)) }
        if let early = model.endsEarly { lines.append(Line(text: " The recording \(early).", style: .warning, pinned: true)) }
        if let result = model.result {
            let quiz = model.quizScore.map { " Your predictions: \($0.right) of \($0.of) right." } ?? ""
            lines.append(Line(text: " Lesson over: \(result.passed) of \(result.of) steps passed.\(quiz)",
                              style: result.passed == result.of ? .changed : .warning, pinned: true))
        }
        return lines
    }
}

extension String {
    func trimmingBlanksOnly() -> String { String(drop { $0 == " " }) }

    /// Padded with spaces to `width` columns (never cut).
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - DisplayWidth.of(self))) }
}
