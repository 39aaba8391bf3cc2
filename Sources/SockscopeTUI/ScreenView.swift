import SockscopeCore

/// Draws the whole model into a Screen: header, conversation or session list, state table,
/// transition log, input line, footer, and the help overlay. It reads the model and never changes
/// it (DESIGN.md convention 4).
public struct ScreenView {
    /// Turns a model time (monotonic seconds) into the text shown, such as `14:30:00.123`.
    public let formatTime: (Double) -> String

    public init(formatTime: @escaping (Double) -> String) {
        self.formatTime = formatTime
    }

    /// Draws everything and returns the layout used (the loop tells the model its page size).
    @discardableResult
    public func draw(_ model: ScreenModel, now: Double, on screen: Screen) -> ScreenLayout {
        screen.erase()
        let layout = ScreenLayout(rows: screen.rows, columns: screen.columns, watchOnly: model.watchOnly,
                                   sessionCount: model.multiSession ? model.sessions.count : nil, ladder: model.ladderOnScreen)
        guard !layout.tooSmall else {
            drawTooSmall(on: screen)
            return layout
        }
        drawHeader(model, on: screen)
        if let region = layout.sessions { SessionListView().draw(model, in: region, on: screen) }
        if let region = layout.conversation {
            ConversationView(formatTime: formatTime).draw(model, in: region, on: screen)
        }
        if let region = layout.ladder { LadderView(formatTime: formatTime).draw(model, in: region, on: screen) }
        if layout.table.height > 0 { StateTableView().draw(model, now: now, in: layout.table, on: screen) }
        TransitionLogView(formatTime: formatTime).draw(model, in: layout.log, on: screen)
        drawFooter(model, now: now, row: layout.footer, on: screen)
        drawInput(model, row: layout.input, on: screen)
        if model.helpShown { HelpOverlay().draw(on: screen) }
        return layout
    }

    func drawTooSmall(on screen: Screen) {
        let lines = ["Terminal too small: \(screen.columns)×\(screen.rows).",
                     "sockscope needs at least \(ScreenLayout.minimumColumns)×\(ScreenLayout.minimumRows).",
                     "F10 or Ctrl-C quits."]
        for (index, line) in lines.enumerated() {
            screen.put(line, row: screen.rows / 2 - 1 + index, column: 0, width: screen.columns, style: .warning)
        }
        screen.hideCursor()
    }

    /// Line 1: who talks to whom and the end-of-input rule; line 2: the state sources (and why
    /// one is off), which learners need to read in full.
    func drawHeader(_ model: ScreenModel, on screen: Screen) {
        let header = model.header
        var first = "sockscope · \(header.mode)"
        if !header.local.isEmpty { first += " · \(header.local)" }
        if !header.peer.isEmpty { first += " ⇄ \(header.peer)" }
        if !header.policy.isEmpty { first += " · \(header.policy)" }
        screen.fill(row: 0, from: 0, style: .title)
        screen.put(DisplayWidth.truncate(first, to: screen.columns), row: 0, column: 0, style: .title)
        if !header.sources.isEmpty || header.lostTransitions > 0 {
            // Lost transitions come first, so that a narrow screen still says so.
            var column = 0
            if header.lostTransitions > 0 {
                column = screen.put("⚠ \(header.lostTransitions) transitions lost (trace buffer overran) ", row: 1,
                                    column: 0, width: screen.columns, style: .warning)
            }
            screen.put(DisplayWidth.truncate("sources: \(header.sources)", to: screen.columns - column), row: 1,
                       column: column, style: .dim)
        }
    }

    func drawInput(_ model: ScreenModel, row: Int, on screen: Screen) {
        let prompt: String
        if model.watchOnly {
            prompt = "cmd> "
        } else if model.multiSession {
            prompt = model.selected.map { "#\($0)> " } ?? "> "
        } else {
            prompt = "> "
        }
        let start = screen.put(prompt, row: row, column: 0, style: .title)
        let room = screen.columns - start - 1
        // Scroll the line sideways so that the cursor stays visible: back from the cursor as far
        // as the row holds, then forward as far as it holds. Only what is shown is measured, so a
        // long line (a 100 KB paste) costs a row's width per draw, not its length.
        let characters = model.editor.characters
        let cursor = model.editor.cursor
        var first = cursor
        var beforeCursor = 0
        while first > 0 {
            let width = DisplayWidth.of(String(characters[first - 1]))
            guard beforeCursor + width <= room else { break }
            beforeCursor += width
            first -= 1
        }
        var last = cursor
        var used = beforeCursor
        while last < characters.count {
            let width = DisplayWidth.of(String(characters[last]))
            guard used + width <= room else { break }
            used += width
            last += 1
        }
        screen.put(String(characters[first..<last]), row: row, column: start, width: room, style: .input)
        if !model.helpShown { screen.placeCursor(row: row, column: start + beforeCursor) }
    }

    func drawFooter(_ model: ScreenModel, now: Double, row: Int, on screen: Screen) {
        if let status = model.statusText(now: now) {
            screen.put(DisplayWidth.truncate(status, to: screen.columns), row: row, column: 0, style: .warning)
            return
        }
        var column = 0
        for (key, label) in KeyBindings.footer {
            guard column + key.count + label.count + 1 <= screen.columns else { break }
            column = screen.put(key, row: row, column: column, style: .normal)
            column = screen.put(label, row: row, column: column, style: .key)
            column += 1
        }
    }
}

/// A title rule across the screen: `── Title ─── detail ──`.
func drawRule(_ title: String, detail: String = "", row: Int, on screen: Screen) {
    var column = screen.put("── ", row: row, column: 0, style: .dim)
    column = screen.put(title, row: row, column: column, width: screen.columns - column, style: .title)
    if !detail.isEmpty {
        column = screen.put(" · ", row: row, column: column, width: screen.columns - column, style: .dim)
        column = screen.put(detail, row: row, column: column, width: screen.columns - column, style: .dim)
    }
    if column < screen.columns - 1 {
        screen.put(" " + String(repeating: "─", count: max(0, screen.columns - column - 1)), row: row, column: column, style: .dim)
    }
}
