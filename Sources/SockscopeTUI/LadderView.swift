import SockscopeCore

/// The ladder: the selected connection's segments as arrows between our socket's column and the
/// peer's (the SYN's sender on the left), each side's state written on its column where it
/// changed, our application's actions between them, plain data folded; and the selected row's
/// detail at the bottom. Fits 60 columns and up.
struct LadderView {
    let formatTime: (Double) -> String

    /// Column positions for a width: the time, each side's state label, the two rails.
    struct Columns {
        let time = 10
        let label: Int
        let leftRail: Int
        let rightRail: Int
        init(width: Int) {
            label = width >= 100 ? 12 : width >= 56 ? 11 : 8  // ESTABLISHED whole from 56 columns
            leftRail = time + label + 1
            rightRail = max(leftRail + 12, width - label - 2)
        }
        var arrowWidth: Int { rightRail - leftRail - 1 }
    }

    /// The rows the ladder would fill: its rule, the heads, a row per event, the detail line.
    static func want(rows: Int) -> Int { 3 + max(1, rows) }

    /// Whether a hold dropped the segment (a lesson's): its arrow stops short of the far rail, at ✗.
    var dropped: (Segment) -> Bool = { _ in false }
    /// The column heads for a ladder; by default `ours`/`peer` and the addresses.
    var heads: ((Ladder) -> (left: String, right: String))?

    /// `rows`: the selected ladder's rows, computed once per frame by the caller.
    func draw(_ model: ScreenModel, rows: [LadderRow], in region: ScreenLayout.Region, on screen: Screen) {
        guard let ladder = model.selectedLadder else {
            drawRule("Ladder", detail: "segments", row: region.top, on: screen)
            screen.put(model.ladderUnavailable.map { "No ladder: \($0)." } ?? "No connection yet: its segments will appear here.",
                       row: region.top + 1, column: 0, width: screen.columns, style: .dim)
            return
        }
        let ours = ladder.ours.map { $0 == .left ? "left" : "right" } ?? "-"
        drawLadder(ladder, rows: rows, back: model.ladderBack, focused: model.focus == .ladder,
                   detail: "\(rows.count) rows · ours on the \(ours)", hint: "^P/^N select, PgUp/PgDn", in: region, on: screen)
    }

    /// A ladder in `region`: its rule, heads, the rows ending `back` rows before the last (the
    /// selected one), and the selected row's detail.
    func drawLadder(_ ladder: Ladder, rows: [LadderRow], back: Int, focused: Bool, detail: String, hint: String,
                    in region: ScreenLayout.Region, on screen: Screen) {
        let columns = Columns(width: screen.columns)
        let dropped = ladder.dropped > 0 ? " · \(ladder.dropped) older events dropped" : ""
        drawRule("Ladder", detail: "\(detail)\(dropped) · \(hint)", focused: focused, row: region.top, on: screen)
        guard region.height >= 4 else { return }
        drawHeads(ladder, columns: columns, row: region.top + 1, on: screen)
        let visible = region.height - 3
        let selected = max(0, rows.count - 1 - min(back, max(0, rows.count - 1)))
        let start = max(0, min(rows.count - visible, selected - visible + 1))
        let origin = ladder.events.first?.time ?? 0
        for (offset, row) in rows[start..<min(rows.count, start + visible)].enumerated() {
            let index = start + offset
            drawRow(row, origin: origin, columns: columns, row: region.top + 2 + offset, selected: index == selected, on: screen)
        }
        if let row = rows.indices.contains(selected) ? rows[selected] : nil {
            let detail = Self.detail(row, ladder: ladder, formatTime: formatTime)
            screen.put(DisplayWidth.truncate(detail, to: screen.columns), row: region.bottom - 1, column: 0, style: .dim)
        }
    }

    func drawHeads(_ ladder: Ladder, columns: Columns, row: Int, on screen: Screen) {
        let (left, right) = heads?(ladder) ?? ((ladder.ours == .left ? "ours " : "peer ") + ladder.left.description,
                                               (ladder.ours == .right ? "ours " : "peer ") + ladder.right.description)
        screen.put("time", row: row, column: 0, style: .title)
        let leftStart = max(columns.time, columns.leftRail - DisplayWidth.of(left) / 2)
        screen.put(left, row: row, column: leftStart, width: columns.rightRail - leftStart - 1, style: .title)
        let rightStart = max(leftStart + DisplayWidth.of(left) + 2, min(screen.columns - DisplayWidth.of(right), columns.rightRail - DisplayWidth.of(right) / 2))
        screen.put(right, row: row, column: rightStart, width: screen.columns - rightStart, style: .title)
    }

    func drawRow(_ row: LadderRow, origin: Double, columns: Columns, row line: Int, selected: Bool, on screen: Screen) {
        if selected { screen.fill(row: line, from: 0, style: .selected) }
        let base: Style = selected ? .selected : .normal
        screen.put(LadderTime.text(row.time - origin), row: line, column: 0, width: columns.time - 1, style: selected ? .selected : .dim)
        if let state = row.leftState {
            let text = DisplayWidth.truncate(state.name, to: columns.label)
            screen.put(text, row: line, column: columns.leftRail - DisplayWidth.of(text), style: selected ? .selected : .changed)
        }
        screen.put("│", row: line, column: columns.leftRail, style: base)
        screen.put("│", row: line, column: columns.rightRail, style: base)
        if let state = row.rightState {
            screen.put(DisplayWidth.truncate(state.name, to: columns.label), row: line, column: columns.rightRail + 1,
                       style: selected ? .selected : .changed)
        }
        let width = columns.arrowWidth
        let start = columns.leftRail + 1
        switch row.middle {
        case .empty:
            break
        case .arrow(let arrow):
            let lost = dropped(arrow.segment)
            let text = Self.arrow(arrow, width: width, dropped: lost)
            let style: Style = selected ? .selected : arrow.segment.markers.isEmpty && !lost ? (arrow.rightward ? .sent : .received) : .warning
            screen.put(text, row: line, column: start, width: width, style: style)
        case .action(let side, let text):
            let shown = DisplayWidth.truncate(text, to: width - 2)
            let column = side == .left ? start + 1 : start + width - 1 - DisplayWidth.of(shown)
            screen.put(shown, row: line, column: column, style: selected ? .selected : .key)
        case .group(let text):
            screen.put(DisplayWidth.truncate(text, to: width - 2), row: line, column: start + 1, style: selected ? .selected : .dim)
        }
    }

    /// `──S SYN seq 0 win 65495──▶` or `◀──S. SYN ACK seq 0 ack 1──`, the label cut to fit and
    /// the markers first when there are any. A dropped segment's arrow ends in ✗ two cells short
    /// of the rail it never reached.
    static func arrow(_ arrow: LadderRow.Arrow, width: Int, dropped: Bool = false) -> String {
        let label = arrow.label
        let room = max(0, width - 4 - (dropped ? 2 : 0))
        let shown = DisplayWidth.truncate(label, to: room)
        let dashes = max(0, width - 3 - DisplayWidth.of(shown) - (dropped ? 2 : 0))
        if dropped {
            return arrow.rightward ? "─" + shown + " " + String(repeating: "─", count: dashes) + "✗  "
                                   : "  ✗" + String(repeating: "─", count: dashes) + " " + shown + "─"
        }
        return arrow.rightward ? "─" + shown + " " + String(repeating: "─", count: dashes) + "▶"
                               : "◀" + String(repeating: "─", count: dashes) + " " + shown + "─"
    }

    /// The selected row in full: a segment as `states --events --segments` prints it, with the
    /// absolute numbers; a state with its RFC name; an action or a group as written.
    static func detail(_ row: LadderRow, ladder: Ladder, formatTime: (Double) -> String) -> String {
        let time = formatTime(row.time)
        switch row.middle {
        case .arrow(let arrow):
            let segment = arrow.segment
            var text = "\(time) \(segment.frame.source) → \(segment.frame.destination) \(segment.summary)"
            if let tcp = segment.tcp { text += " · seq \(tcp.sequence) ack \(tcp.acknowledgment) on the wire" }
            if let records = TLSRecord.label(of: arrow.records) { text += " · " + records }
            return text
        case .action(_, let text): return "\(time) the application: \(text)"
        case .group(let text): return "\(time) \(text)"
        case .empty:
            let states = [row.leftState.map { "left \($0.nameWithRFC)" }, row.rightState.map { "right \($0.nameWithRFC)" }]
            return "\(time) " + states.compactMap { $0 }.joined(separator: ", ")
        }
    }
}
