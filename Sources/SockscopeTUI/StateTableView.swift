import SockscopeCore

/// The live state table: ours pinned on top (each followed by its other end when that is local
/// too), then, with /all, the system's sockets in a stable order. A row that just changed state
/// stands out; timers count down; ours show RTT, cwnd and retransmits from TCP_INFO.
struct StateTableView {
    static let headers = ["", "State", "Local", "Peer", "Timer", "Info"]

    func draw(_ model: ScreenModel, now: Double, in region: ScreenLayout.Region, on screen: Screen) {
        let board = model.board
        let rows = board.rows(now: now)
        let ours = rows.filter { $0.kind != .other }.count
        var details = ["ours \(ours)"]
        details.append(board.showAll ? "system \(board.systemCount) (F3 hides)" : "system hidden (F3 shows)")
        if !board.filter.isEmpty { details.append("filter: \(board.filter.expression)") }
        if board.paused { details.append("PAUSED (F4)") }
        drawRule("Sockets", detail: details.joined(separator: " · "), row: region.top, on: screen)
        let height = region.height - 2
        guard height > 0 else { return }
        let cells = rows.map { Self.cells($0, now: now) }
        let widths = Self.widths(cells, columns: screen.columns)
        drawCells(Self.headers, widths: widths, row: region.top + 1, style: .title, on: screen)
        if rows.isEmpty {
            let hint = model.watchOnly ? "No socket matches." : "No socket of ours yet."
            screen.put(hint, row: region.top + 2, column: 2, width: screen.columns - 2, style: .dim)
            return
        }
        let shown = rows.count > height ? height - 1 : rows.count
        for index in 0..<shown {
            let row = rows[index]
            let style: Style = row.changed ? .changed : row.kind == .other ? .normal : Self.isPeer(row) ? .localPeer : .own
            if row.changed { screen.fill(row: region.top + 2 + index, from: 0, style: .changed) }
            drawCells(cells[index], widths: widths, row: region.top + 2 + index, style: style, on: screen)
        }
        if shown < rows.count {
            screen.put("… \(rows.count - shown) more (/filter narrows)", row: region.top + 2 + shown, column: 2,
                       width: screen.columns - 2, style: .dim)
        }
    }

    static func isPeer(_ row: StateBoard.Row) -> Bool {
        if case .localPeer = row.kind { return true }
        return false
    }

    static func cells(_ row: StateBoard.Row, now: Double) -> [String] {
        let entry = row.entry
        let mark: String
        var info: [String] = []
        switch row.kind {
        case .own(let session):
            mark = "▶"
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
