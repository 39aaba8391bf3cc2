import SockscopeCore

/// Draws the whole model into a Screen: header, conversation or connection list, state table,
/// transition log, input line, footer, and the help overlay. It reads the model and never changes
/// it (DESIGN.md convention 4).
public struct ScreenView {
    /// Turns a model time (monotonic seconds) into the text shown, such as `14:30:00.123`.
    public let formatTime: (Double) -> String

    public init(formatTime: @escaping (Double) -> String) {
        self.formatTime = formatTime
    }

    /// What a draw used, for the loop to tell the model: the layout, and how far the
    /// conversation can scroll back.
    public struct Drawn {
        public let layout: ScreenLayout
        public let conversationScrollLimit: Int?
        /// The sockets the table showed (a reading keeps their TCP_INFO).
        public var tableKeys: Set<ConnectionKey> = []

        /// The panes on screen with their heights (the model's focus moves among them).
        public var panes: [Pane: Int] {
            var panes: [Pane: Int] = [:]
            if let region = layout.conversation { panes[.conversation] = region.height }
            if let region = layout.ladder { panes[.ladder] = region.height }
            if layout.table.height > 0 { panes[.table] = layout.table.height }
            if layout.log.height > 0 { panes[.log] = layout.log.height }
            return panes
        }
    }

    /// Draws everything and returns what the loop passes back to the model.
    @discardableResult
    public func draw(_ model: ScreenModel, now: Double, on screen: Screen) -> Drawn {
        screen.erase()
        let available = screen.rows - 3
        let conversationView = ConversationView(formatTime: formatTime)
        let logView = TransitionLogView(formatTime: formatTime)
        let tableRows = model.board.rows(now: now)
        let logItems = model.shownLog
        var wants = ScreenLayout.Wants(table: StateTableView.want(rows: tableRows.count),
                                       log: logView.want(model, items: logItems, columns: screen.columns, screenRows: screen.rows, limit: available))
        // The conversation's newest rows, worked out once: enough for any height at the scroll position.
        let tail = model.watchOnly ? ConversationView.Tail()
            : conversationView.tail(model, count: model.scroll + available, width: screen.columns, asciiOnly: screen.asciiOnly)
        if !model.watchOnly { wants.conversation = ConversationView.want(tail, limit: available) }
        // The ladder's rows are worked out once a frame (they walk all its events).
        let ladderRows = model.ladderOnScreen ? model.selectedLadder?.rows() ?? [] : []
        if model.ladderOnScreen { wants.ladder = LadderView.want(rows: ladderRows.count) }
        let layout = ScreenLayout(rows: screen.rows, columns: screen.columns, watchOnly: model.watchOnly,
                                  sessionCount: model.multiConnection ? model.connections.count : nil, ladder: model.ladderOnScreen,
                                  wants: wants)
        guard !layout.tooSmall else {
            drawTooSmall(on: screen)
            return Drawn(layout: layout, conversationScrollLimit: nil)
        }
        drawHeader(model, on: screen)
        if let region = layout.connections { ConnectionListView().draw(model, in: region, on: screen) }
        var limit: Int?
        if let region = layout.conversation { limit = conversationView.draw(model, tail: tail, in: region, on: screen) }
        if let region = layout.ladder { LadderView(formatTime: formatTime).draw(model, rows: ladderRows, in: region, on: screen) }
        var tableKeys: Set<ConnectionKey> = []
        if layout.table.height > 0 { tableKeys = StateTableView().draw(model, rows: tableRows, now: now, in: layout.table, on: screen) }
        logView.draw(model, items: logItems, in: layout.log, screenRows: screen.rows, on: screen)
        drawFooter(model, now: now, row: layout.footer, on: screen)
        drawInput(model, row: layout.input, on: screen)
        if model.diagramShown {
            let gone = !model.watchOnly && (model.connectFailed || model.selected.flatMap { model.connection($0) }.map { !$0.open } ?? false)
            StateDiagramOverlay(subject: model.diagramSubject(rows: tableRows), ourSocketGone: gone).draw(now: now, bottom: layout.input, on: screen)
        }
        if model.tlsShown {
            let connection = model.selected ?? model.tls.keys.min()
            TLSOverlay(connection: connection, facts: connection.flatMap { model.tls[$0] }).draw(bottom: layout.input, on: screen)
        }
        if model.helpShown { HelpOverlay(sources: model.header.sources).draw(scroll: model.helpScroll, on: screen) }
        return Drawn(layout: layout, conversationScrollLimit: limit, tableKeys: tableKeys)
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

    /// One row: who talks to whom; at the right whether the connection is open or ended, lost
    /// transitions and frames, and how complete the view is (the sources, in full in /help). The
    /// addresses and their ports are what a newcomer came for (the README's `-v -l 127.0.0.1 0`
    /// shows the port chosen): a narrow screen drops the words around them first (`sockscope ·`,
    /// what the stream agreed on), then the sources, then the loss, and cuts the addresses last.
    func drawHeader(_ model: ScreenModel, on screen: Screen) {
        let header = model.header
        var core = header.mode
        if !header.local.isEmpty { core += " · \(header.local)" }
        if !header.peer.isEmpty { core += " ⇄ \(header.peer)" }
        let security = header.security.map { " · \($0)" } ?? ""
        let variants = ["sockscope · " + core + security, core + security, core]
        var right: [(text: String, style: Style)] = []
        if let status = model.connectionStatus { right.append((status.text, status.ended ? .warning : .title)) }
        if header.lostTransitions > 0 { right.append(("⚠ \(header.lostTransitions) transitions lost", .warning)) }
        if header.lostFrames > 0 { right.append(("⚠ \(header.lostFrames) frames lost", .warning)) }
        if !header.brief.isEmpty { right.append((header.brief, .title)) }
        func width(_ parts: [(text: String, style: Style)]) -> Int { parts.reduce(0) { $0 + DisplayWidth.of($1.text) + 3 } }
        // Words in place of a peer (`waiting for a client`, `3 clients`) may be cut; an address not.
        let peerIsWords = !header.peer.contains(":") && !header.peer.hasPrefix("/") && !header.peer.hasPrefix("@")
        var first = variants[variants.count - 1]
        search: while true {
            let room = screen.columns - width(right)
            for variant in variants where DisplayWidth.of(variant) <= room {
                first = variant
                break search
            }
            let fixed = header.mode + (header.local.isEmpty ? "" : " · \(header.local)") + " ⇄ "
            if peerIsWords && !header.peer.isEmpty && room - DisplayWidth.of(fixed) >= 8 {
                first = fixed + DisplayWidth.truncate(header.peer, to: room - DisplayWidth.of(fixed))
                break
            }
            if right.isEmpty { break }
            right.removeLast()
        }
        screen.fill(row: 0, from: 0, style: .title)
        screen.put(DisplayWidth.truncate(first, to: screen.columns - width(right)), row: 0, column: 0, style: .title)
        var column = screen.columns - width(right)
        for part in right {
            column = screen.put(" · ", row: 0, column: column, style: .title)
            column = screen.put(part.text, row: 0, column: column, style: part.style)
        }
    }

    func drawInput(_ model: ScreenModel, row: Int, on screen: Screen) {
        let prompt: String
        if model.watchOnly {
            prompt = "cmd> "
        } else if model.multiConnection {
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
        var keys = KeyBindings.footer(watchOnly: model.watchOnly, datagram: model.datagram, multiConnection: model.multiConnection,
                                      unix: model.unixSocket)
        func width(_ keys: [(key: String, label: String)]) -> Int { keys.reduce(0) { $0 + $1.key.count + $1.label.count + 1 } }
        // Too narrow: give keys up in the order of least need; Help and Quit stay.
        for number in KeyBindings.footerPriority.reversed() where width(keys) > screen.columns && number != 1 && number != 10 {
            keys.removeAll { $0.key == "F\(number)" }
        }
        var column = 0
        for (key, label) in keys {
            column = screen.put(key, row: row, column: column, style: .normal)
            column = screen.put(label, row: row, column: column, style: .key)
            column += 1
        }
        // Many terminals take F1 and F10 for themselves: say the other ways out.
        for hint in ["/quit or Ctrl-C leaves", "Ctrl-C leaves"] where column + DisplayWidth.of(hint) <= screen.columns {
            screen.put(hint, row: row, column: column, style: .dim)
            break
        }
    }
}

/// A title rule across the screen: `── Title ─── detail ──`; a focused pane's title stands out.
func drawRule(_ title: String, detail: String = "", focused: Bool = false, row: Int, on screen: Screen) {
    var column = screen.put(focused ? "━▶ " : "── ", row: row, column: 0, style: focused ? .title : .dim)
    column = screen.put(title, row: row, column: column, width: screen.columns - column, style: focused ? .selected : .title)
    if !detail.isEmpty {
        column = screen.put(" · ", row: row, column: column, width: screen.columns - column, style: .dim)
        column = screen.put(detail, row: row, column: column, width: screen.columns - column, style: .dim)
    }
    if column < screen.columns - 1 {
        screen.put(" " + String(repeating: "─", count: max(0, screen.columns - column - 1)), row: row, column: column, style: .dim)
    }
}
