import SockscopeCore

/// The live state table: ours pinned on top (each followed by its other end when that is local
/// too), then, with /all, the system's sockets in a stable order. A row that just changed state
/// stands out; timers count down; ours show RTT, cwnd and retransmits from TCP_INFO.
struct StateTableView {
    static let headers = ["", "State", "Local", "Peer", "Timer", "Info"]

    /// The rows the table would fill: its rule, its heading, a row per socket (or the hint).
    static func want(rows: Int) -> Int { 2 + max(1, rows) }

    func draw(_ model: ScreenModel, rows: [StateBoard.Row], now: Double, in region: ScreenLayout.Region, on screen: Screen) {
        let board = model.board
        let ours = rows.filter { $0.kind != .other }.count
        var details = ["ours \(ours)"]
        details.append(board.showAll ? "system \(board.systemCount) (F3 hides)" : "system hidden (F3 shows)")
        if !board.filter.isEmpty { details.append("filter: \(board.filter.expression)") }
        if board.paused { details.append("PAUSED (F4)") }
        let focused = model.focus == .table
        drawRule("Sockets", detail: details.joined(separator: " · "), focused: focused, row: region.top, on: screen)
        let height = region.height - 2
        guard height > 0 else { return }
        let cells = rows.map { row in
            Self.cells(row, now: now, selected: model.multiSession ? model.selected : nil).map { screen.asciiOnly ? ASCIIGlyphs.fold($0) : $0 }
        }
        let widths = Self.widths(cells, columns: screen.columns)
        drawCells(Self.headers, widths: widths, row: region.top + 1, style: .title, on: screen)
        if rows.isEmpty {
            let hint = !board.filter.isEmpty ? "No socket matches the filter." : model.watchOnly ? "No socket matches." : "No socket of ours yet."
            screen.put(hint, row: region.top + 2, column: 2, width: screen.columns - 2, style: .dim)
            return
        }
        let visible = rows.count > height ? max(1, height - 1) : rows.count
        let cursor = min(model.tableCursor, rows.count - 1)
        // In sight: the cursor while the table has the focus; otherwise the selected session's rows.
        let anchor = focused ? cursor : (model.selected.flatMap { id in rows.firstIndex { Self.session(of: $0) == id } } ?? 0)
        let start = max(0, min(focused ? anchor - visible / 2 : anchor, rows.count - visible))
        for offset in 0..<visible {
            let index = start + offset
            let row = rows[index]
            var style: Style = row.changed ? .changed : row.kind == .other ? .normal : Self.isPeer(row) ? .localPeer : .own
            if focused && index == cursor { style = .selected }
            if style == .changed || style == .selected { screen.fill(row: region.top + 2 + offset, from: 0, style: style) }
            drawCells(cells[index], widths: widths, row: region.top + 2 + offset, style: style, on: screen)
        }
        if visible < rows.count {
            let below = rows.count - start - visible
            let where_ = [start > 0 ? "\(start) above" : nil, below > 0 ? "\(below) below" : nil].compactMap { $0 }
            screen.put("… \(where_.joined(separator: ", ")) (Tab, then ↑↓ PgUp PgDn; /filter narrows)", row: region.top + 2 + visible,
                       column: 2, width: screen.columns - 2, style: .dim)
        }
    }

    static func session(of row: StateBoard.Row) -> Int? {
        switch row.kind {
        case .own(let session): session
        case .localPeer(let session): session
        case .other: nil
        }
    }

    static func isPeer(_ row: StateBoard.Row) -> Bool {
        if case .localPeer = row.kind { return true }
        return false
    }

    /// A row's cells; under -l -k the selected session's own rows are marked ▶, the others ▷.
    static func cells(_ row: StateBoard.Row, now: Double, selected: Int? = nil) -> [String] {
        let entry = row.entry
        let mark: String
        var info: [String] = []
        switch row.kind {
        case .own(let session):
            mark = selected == nil || selected == session || session == 0 ? "▶" : "▷"
            info.append(session == 0 ? "our listener" : "#\(session)")
        case .localPeer(let session):
            mark = "↳"
            info.append("other end of #\(session)")
        case .other:
            mark = ""
        }
        if let tcp = row.info {
            info.append("rtt \(DurationText.short(Double(tcp.rttMicros) / 1e6)) cwnd \(tcp.congestionWindow) rtx \(tcp.totalRetransmits)")
        }
        if entry.recvQueue > 0 || entry.sendQueue > 0 { info.append("q \(entry.recvQueue)/\(entry.sendQueue)") }
        if let owner = row.owner { info.append(owner.display) }
        return [mark, entry.stateName, entry.local.description, entry.remote.description,
                timerText(row), info.joined(separator: " ")]
    }

    /// `59.1s` for TIME_WAIT, `on 200ms` (retransmit), `keepalive 7199s`.
    static func timerText(_ row: StateBoard.Row) -> String {
        guard let left = row.timerLeft else { return "" }
        return DurationText.timer(row.entry.timer, seconds: left)
    }

    /// Column widths: mark, state and timer fixed; the addresses as wide as their longest (cut from
    /// the left when space is short, keeping the port); Info takes what is left.
    static func widths(_ rows: [[String]], columns: Int) -> [Int] {
        func natural(_ column: Int) -> Int {
            max(DisplayWidth.of(headers[column]), rows.map { DisplayWidth.of($0[column]) }.max() ?? 0)
        }
        var widths = [1, 11, natural(2), natural(3), max(5, natural(4)), 0]
        let gaps = widths.count - 1
        let fixed = widths[0] + widths[1] + widths[4] + gaps
        // Info keeps at least 8 columns; the addresses come first.
        let addressRoom = max(18, min(widths[2] + widths[3], columns - fixed - 8))
        while widths[2] + widths[3] > addressRoom {
            if widths[2] >= widths[3] { widths[2] -= 1 } else { widths[3] -= 1 }
        }
        widths[5] = max(0, columns - fixed - widths[2] - widths[3])
        return widths
    }

    func drawCells(_ cells: [String], widths: [Int], row: Int, style: Style, on screen: Screen) {
        var column = 0
        for (index, cell) in cells.enumerated() {
            let width = widths[index]
            if width > 0 {
                let text = index == 2 || index == 3 ? Self.cutLeft(cell, to: width) : DisplayWidth.truncate(cell, to: width)
                screen.put(text, row: row, column: column, width: width, style: style)
            }
            column += width + 1
        }
    }

    /// Addresses lose their left end (`…0.0.1:8080`): the port, at the right, is what people scan.
    static func cutLeft(_ text: String, to width: Int) -> String {
        guard DisplayWidth.of(text) > width, width > 1 else { return text }
        return "…" + String(text.suffix(width - 1))
    }
}
