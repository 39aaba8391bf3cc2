import SockscopeCore

/// The live state table: ours pinned on top (each followed by its other end when that is local
/// too), then, with /all, the system's sockets in a stable order. A row that just changed state
/// stands out; timers count down; ours show RTT, cwnd and retransmits from TCP_INFO.
struct StateTableView {
    /// The columns, as ss -tanpi names them; narrow screens drop Proto, then Age.
    enum Column: Int, CaseIterable {
        case mark, proto, state, recvQ, sendQ, local, peer, timer, age, info

        var heading: String {
            switch self {
            case .mark: ""
            case .proto: "Proto"
            case .state: "State"
            case .recvQ: "Recv-Q"
            case .sendQ: "Send-Q"
            case .local: "Local"
            case .peer: "Peer"
            case .timer: "Timer"
            case .age: "Age"
            case .info: "Process · info"
            }
        }

        /// The order /sort and ←/→ give by this column.
        var sort: TableSort? {
            switch self {
            case .state: .state
            case .recvQ: .recvQ
            case .sendQ: .sendQ
            case .local: .local
            case .peer: .peer
            case .timer: .timer
            case .age: .age
            case .info: .process
            case .mark, .proto: nil
            }
        }

        /// The field whose change lights this cell up.
        var field: StateBoard.Field? {
            switch self {
            case .state: .state
            case .recvQ: .recvQueue
            case .sendQ: .sendQueue
            case .timer: .timer
            default: nil
            }
        }
    }

    /// The rows the table would fill: its rule, its heading, a row per socket (or the hint).
    static func want(rows: Int) -> Int { 2 + max(1, rows) }

    /// `ESTABLISHED 3 · TIME_WAIT 12`: the rows by state, as ss -s counts them, most first.
    static func counts(_ rows: [StateBoard.Row]) -> String {
        var counts: [String: Int] = [:]
        for row in rows { counts[row.entry.state.screenName, default: 0] += 1 }
        return counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(5).map { "\($0.key) \($0.value)" }.joined(separator: " ")
    }

    /// Draws the table; returns the sockets whose rows it showed.
    @discardableResult
    func draw(_ model: ScreenModel, rows: [StateBoard.Row], now: Double, in region: ScreenLayout.Region, on screen: Screen) -> Set<ConnectionKey> {
        let board = model.board
        let ours = rows.filter { $0.kind != .other }.count + (model.unixSocket ? model.unixRows.count : 0)
        var details = ["ours \(ours)"]
        details.append(board.showAll ? "system \(rows.count - ours) of \(board.systemCount) (F3 hides)" : "system hidden (F3 shows)")
        if !rows.isEmpty { details.append(Self.counts(rows)) }
        if !board.filter.isEmpty { details.append("filter: \(board.filter.expression)") }
        if board.paused { details.append("PAUSED (F4)") }
        let focused = model.focus == .table
        drawRule("Sockets", detail: details.joined(separator: " · "), focused: focused, row: region.top, on: screen)
        let height = region.height - 2
        guard height > 0 else { return [] }
        let cells = rows.map { row in
            Self.cells(row, now: now, selected: model.multiConnection ? model.selected : nil, notes: model.board.ownNotes).map { screen.asciiOnly ? ASCIIGlyphs.fold($0) : $0 }
        }
        // A Unix session's table is its Unix sockets, as ss -x shows them: no TCP state, but a
        // peer, and who it is (SO_PEERCRED).
        if model.unixSocket && !model.unixRows.isEmpty {
            let unixCells = model.unixRows.map { row in
                ["▶", row.kind, row.state, "\(row.recvQueue)", "\(row.sendQueue)", row.local, row.peer, "", "",
                 (row.connection > 0 ? "#\(row.connection) " : "our listener ") + row.peerProcess].map { screen.asciiOnly ? ASCIIGlyphs.fold($0) : $0 }
            }
            let widths = Self.widths(unixCells + cells, headings: Column.allCases.map(\.heading), columns: screen.columns)
            drawCells(Column.allCases.map(\.heading), widths: widths, row: region.top + 1, styles: { _ in .title }, on: screen)
            for (offset, row) in unixCells.prefix(max(0, height)).enumerated() {
                drawCells(row, widths: widths, row: region.top + 2 + offset, styles: { _ in .own }, on: screen)
            }
            return []
        }
        var headings = Column.allCases.map(\.heading)
        if let index = Column.allCases.firstIndex(where: { $0.sort == board.sort }) {
            headings[index] += screen.asciiOnly ? "v" : "▼"
        }
        let widths = Self.widths(cells, headings: headings, columns: screen.columns)
        drawCells(headings, widths: widths, row: region.top + 1, styles: { _ in .title }, on: screen)
        if rows.isEmpty {
            let hint = !board.filter.isEmpty ? "No socket matches the filter."
                : model.watchOnly ? "No socket matches."
                : model.unixSocket ? "A Unix socket has no TCP state: this table shows TCP and UDP (F3: the system's)."
                : model.connections.isEmpty ? "No socket of ours yet." : "No socket of ours left: each has closed, TIME_WAIT included."
            screen.put(hint, row: region.top + 2, column: 2, width: screen.columns - 2, style: .dim)
            return []
        }
        let visible = rows.count > height ? max(1, height - 1) : rows.count
        let cursor = min(model.tableCursor, rows.count - 1)
        // In sight: the cursor while the table has the focus; otherwise the selected connection's rows.
        let anchor = focused ? cursor : (model.selected.flatMap { id in rows.firstIndex { Self.connection(of: $0) == id } } ?? 0)
        let start = max(0, min(focused ? anchor - visible / 2 : anchor, rows.count - visible))
        var shown: Set<ConnectionKey> = []
        for offset in 0..<visible {
            let index = start + offset
            let row = rows[index]
            shown.insert(ConnectionKey(row.entry))
            var style: Style = row.kind == .other ? .normal : Self.isPeer(row) ? .localPeer : .own
            if row.changed && row.changedFields.isEmpty { style = .changed }
            if focused && index == cursor { style = .selected }
            if style == .changed || style == .selected { screen.fill(row: region.top + 2 + offset, from: 0, style: style) }
            // As watch -d: each field that changed a moment ago stands out, not only the state.
            drawCells(cells[index], widths: widths, row: region.top + 2 + offset, styles: { column in
                guard style != .selected, let field = column.field, row.changedFields.contains(field) else { return style }
                return .changed
            }, on: screen)
        }
        if visible < rows.count {
            let below = rows.count - start - visible
            let counts = [start > 0 ? "\(start) above" : nil, below > 0 ? "\(below) below" : nil].compactMap { $0 }
            screen.put("… \(counts.joined(separator: ", ")) (Tab, then ↑↓ PgUp PgDn, ←→ sort; /filter narrows)", row: region.top + 2 + visible,
                       column: 2, width: screen.columns - 2, style: .dim)
        }
        return shown
    }

    static func connection(of row: StateBoard.Row) -> Int? {
        switch row.kind {
        case .own(let connection): connection
        case .localPeer(let connection): connection
        case .other: nil
        }
    }

    static func isOwn(_ row: StateBoard.Row) -> Bool {
        if case .own = row.kind { return true }
        return false
    }

    static func isPeer(_ row: StateBoard.Row) -> Bool {
        if case .localPeer = row.kind { return true }
        return false
    }

    /// A row's cells, in the order of `Column`; under -l -k the selected connection's own rows are
    /// marked ▶, the others ▷.
    static func cells(_ row: StateBoard.Row, now: Double, selected: Int? = nil, notes: [Int: String] = [:]) -> [String] {
        let entry = row.entry
        let mark: String
        var info: [String] = []
        // Whose it is first, where a narrow screen cuts last; our own rows' process is us.
        switch row.kind {
        case .own(let connection):
            mark = selected == nil || selected == connection || connection == 0 ? "▶" : "▷"
            info.append(connection == 0 ? "our listener" : "#\(connection)")
            if let note = notes[connection] { info.append(note) }
        case .localPeer(let connection):
            mark = "↳"
            info.append("other end of #\(connection)")
            if let owner = row.owner { info.append(owner.display) }
        case .other:
            mark = ""
            if let owner = row.owner { info.append(owner.display) }
        }
        // CLOSE_WAIT lasts as long as its owner does not close: say so beside the owner (#23:
        // `watch --state close-wait` showed who, not what they had not done).
        if entry.state == .tcp(.closeWait) { info.append(Self.isOwn(row) ? "peer closed, we have not" : "peer closed, owner has not") }
        // A persist timer means this socket's peer advertised a zero window: it probes.
        let probing = entry.timer == .zeroWindowProbe
        if probing { info.append("zero window (peer's): probing") }
        // A listener's TCP_INFO says nothing about a connection.
        if let tcp = row.info, entry.state != .tcp(.listen) { info.append(Self.infoText(tcp, state: entry.state, probing: probing)) }
        let age = row.age.map { (row.ageIsLowerBound ? "≥" : "") + DurationText.short($0) } ?? ""
        return [mark, entry.proto.rawValue, entry.state.screenName, "\(entry.recvQueue)", "\(entry.sendQueue)", entry.local.description,
                entry.remote.description, timerText(row), age, info.joined(separator: " ")]
    }

    /// TCP_INFO as `ss -i` gives it, briefly: `rtt 45µs cwnd 10 wnd 65K rtx 0 acked 1.2K`. The
    /// peer's window only where we may still send (before the handshake it is 0 and means
    /// nothing), marked when the peer closed it unless the persist timer already says so.
    static func infoText(_ tcp: TCPInfo, state: SocketState, probing: Bool) -> String {
        var text = "rtt \(DurationText.short(Double(tcp.rttMicros) / 1e6)) cwnd \(tcp.congestionWindow)"
        if let window = tcp.sendWindow, state == .tcp(.established) || state == .tcp(.closeWait) {
            text += window == 0 && !probing ? " wnd 0 (peer's window closed)" : " wnd \(ByteCount.brief(UInt64(window)))"
        }
        text += " rtx \(tcp.totalRetransmits)"
        if tcp.bytesAcked > 0 { text += " acked \(ByteCount.brief(tcp.bytesAcked))" }
        return text
    }

    /// `59.1s` for TIME_WAIT, `on 200ms` (retransmit), `keepalive 7199s`.
    static func timerText(_ row: StateBoard.Row) -> String {
        guard let left = row.timerLeft else { return "" }
        return DurationText.timer(of: row.entry, seconds: left)
    }

    /// Column widths: the addresses as wide as their longest (cut from the left when space is
    /// short, keeping the port), the info column what is left; below 110 columns Proto goes,
    /// below 90 Age (a width of 0 hides a column).
    static func widths(_ rows: [[String]], headings: [String] = Column.allCases.map(\.heading), columns: Int) -> [Int] {
        func natural(_ column: Column, least: Int = 0) -> Int {
            max(least, DisplayWidth.of(headings[column.rawValue]), rows.map { DisplayWidth.of($0[column.rawValue]) }.max() ?? 0)
        }
        var widths = [1, columns >= 110 ? natural(.proto) : 0, 11, natural(.recvQ), natural(.sendQ), natural(.local),
                      natural(.peer), natural(.timer, least: 5), columns >= 90 ? natural(.age) : 0, 0]
        let gaps = widths.dropLast().filter { $0 > 0 }.count
        let fixed = widths.reduce(0, +) - widths[Column.local.rawValue] - widths[Column.peer.rawValue] + gaps
        // Info keeps at least 8 columns; the addresses come first.
        let addressRoom = max(18, min(widths[5] + widths[6], columns - fixed - 8))
        while widths[5] + widths[6] > addressRoom {
            if widths[5] >= widths[6] { widths[5] -= 1 } else { widths[6] -= 1 }
        }
        widths[Column.info.rawValue] = max(0, columns - fixed - widths[5] - widths[6])
        return widths
    }

    func drawCells(_ cells: [String], widths: [Int], row: Int, styles: (Column) -> Style, on screen: Screen) {
        var column = 0
        for (index, cell) in cells.enumerated() {
            let width = widths[index]
            guard width > 0, let kind = Column(rawValue: index) else { continue }
            let text: String
            switch kind {
            case .local, .peer: text = Self.cutLeft(cell, to: width)
            case .recvQ, .sendQ: text = String(repeating: " ", count: max(0, width - DisplayWidth.of(cell))) + cell  // numbers right-aligned
            default: text = DisplayWidth.truncate(cell, to: width)
            }
            screen.put(text, row: row, column: column, width: width, style: styles(kind))
            column += width + 1
        }
    }

    /// Addresses lose their left end (`…0.0.1:8080`): the port, at the right, is what people scan.
    static func cutLeft(_ text: String, to width: Int) -> String {
        guard DisplayWidth.of(text) > width, width > 1 else { return text }
        return "…" + String(text.suffix(width - 1))
    }
}
