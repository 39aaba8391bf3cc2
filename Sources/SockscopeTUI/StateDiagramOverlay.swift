import SockscopeCore

/// /diagram: RFC 9293's state diagram in a box over the screen, the selected socket's box lit and
/// its other end's in the other end's colour, with the kernel's name for each beside the RFC's.
/// It leaves the input line and the footer in sight, because keys act under it.
struct StateDiagramOverlay {
    let subject: ScreenModel.DiagramSubject?
    /// Our connection ended and its socket is gone from the tables (it is CLOSED).
    let ourSocketGone: Bool

    /// What is said under the drawing, most needed first (a short screen keeps the first): the
    /// lit sockets with the addresses last, where a narrow screen cuts.
    func notes(now: Double) -> [String] {
        var notes: [String] = []
        if let subject {
            var from = ""
            if let last = subject.last, let state = last.from?.tcp, last.to == subject.row.entry.state {
                from = ", from \(StateDiagram.box(for: state))"
            }
            notes.append(describe(subject.row, mark: "▶", detail: from, now: now))
            if let peer = subject.peer { notes.append(describe(peer, mark: "↳", detail: "", now: now)) }
        } else if ourSocketGone {
            notes.append("▶ our socket is gone: CLOSED (the kernel freed it)")
        } else {
            notes.append("no socket selected: Tab to the table and pick one with ↑↓")
        }
        notes.append(StateDiagram.kernelNames)
        notes.append(StateDiagram.notDrawn)
        return notes
    }

    /// `▶ ours #1: FIN_WAIT2 (RFC FIN-WAIT-2) for 1.2s, from FIN-WAIT-1 · 127.0.0.1:40000 → …`
    func describe(_ row: StateBoard.Row, mark: String, detail: String, now: Double) -> String {
        let entry = row.entry
        let who = switch row.kind {
        case .own(let connection): connection == 0 ? "our listener" : "ours #\(connection)"
        case .localPeer: "its other end"
        case .other: "selected"
        }
        let place = "\(entry.local) → \(entry.remote)"
        guard let state = entry.state.tcp else {
            return "\(mark) \(who): UDP has no states, the diagram is TCP's · \(place)"
        }
        let box = StateDiagram.box(for: state)
        let name = state.name == box ? box : "\(state.name) (RFC \(box))"
        let age = row.age.map { " for \(row.ageIsLowerBound ? "≥" : "")\(DurationText.short($0))" } ?? ""
        return "\(mark) \(who): \(name)\(age)\(detail) · \(place)"
    }

    /// Boxes to light: the subject's, then its other end's (when both are in one box, the
    /// subject's colour wins).
    func lit() -> [(box: StateDiagram.Box, style: Style)] {
        var lit: [(StateDiagram.Box, Style)] = []
        let rows = [subject?.row, subject?.peer].compactMap { $0 }
        for (index, row) in rows.enumerated() {
            guard let state = row.entry.state.tcp, let box = StateDiagram.box(named: StateDiagram.box(for: state)) else { continue }
            if index > 0 && lit.contains(where: { $0.0 == box }) { continue }
            lit.append((box, index == 0 ? .selected : .localPeer))
        }
        if subject == nil && ourSocketGone, let box = StateDiagram.box(named: "CLOSED") { lit.append((box, .selected)) }
        return lit
    }

    func draw(now: Double, bottom: Int, on screen: Screen) {
        let drawing = StateDiagram.lines
        let inner = min(screen.columns - 4, 76)
        // Above the input line when it fits, so that what is typed stays in sight; the whole
        // screen otherwise. The notes give way before the drawing does: wrapped when all fit,
        // else one row each, as many as fit.
        let room = bottom >= drawing.count + 3 ? bottom : screen.rows
        let free = max(0, room - drawing.count - 2)
        var notes = self.notes(now: now)
        let wrapped = notes.flatMap { TransitionLogView.wrap($0, width: inner, maxRows: 3) }
        if wrapped.count <= free { notes = wrapped }
        let noteRows = min(notes.count, free)
        let height = min(room, drawing.count + 2 + noteRows)
        guard height >= 3 else { return }
        let width = min(screen.columns, inner + 4)
        let (top, left) = OverlayFrame.draw(title: " TCP states (RFC 9293) · keys act beneath · Esc or Ctrl-T closes ", width: width,
                                            height: height, rows: room, on: screen)
        // The drawing, centred; then each lit box drawn again, whole, in its style.
        let drawingWidth = drawing.map { DisplayWidth.of($0) }.max() ?? 0
        let origin = left + max(2, (width - drawingWidth) / 2)
        let shown = min(drawing.count, height - 2)
        for (index, line) in drawing.prefix(shown).enumerated() {
            screen.put(line, row: top + 1 + index, column: origin, width: width - 2 - (origin - left), style: .dim)
        }
        for (box, style) in lit() {
            for offset in -1...1 where box.row + offset >= 0 && box.row + offset < shown {
                let characters = Array(drawing[box.row + offset])
                guard box.columns.upperBound <= characters.count else { continue }
                let text = String(characters[box.columns])
                screen.put(text, row: top + 1 + box.row + offset, column: origin + box.columns.lowerBound, style: style)
            }
        }
        for (index, note) in notes.prefix(noteRows).enumerated() {
            let style: Style = note.hasPrefix("▶") ? .own : note.hasPrefix("↳") ? .localPeer : .normal
            screen.put(note, row: top + 1 + drawing.count + index, column: left + 2, width: width - 4, style: style)
        }
    }
}
