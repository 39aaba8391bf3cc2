import SockscopeCore

/// Under -l -k: the sessions, one per row, with state and bytes each way; the selected one (which
/// receives typed lines) is highlighted.
struct SessionListView {
    func draw(_ model: ScreenModel, in region: ScreenLayout.Region, on screen: Screen) {
        let open = model.sessions.filter(\.open).count
        drawRule("Sessions", detail: "\(open) open of \(model.sessions.count) · F8 selects", row: region.top, on: screen)
        let height = region.height - 1
        guard height > 0 else { return }
        if model.sessions.isEmpty {
            screen.put("Waiting for clients.", row: region.top + 1, column: 2, width: screen.columns - 2, style: .dim)
            return
        }
        // Keep the selected session in view.
        let selectedIndex = model.sessions.firstIndex { $0.id == model.selected } ?? 0
        let first = max(0, min(selectedIndex - height + 1, model.sessions.count - height))
        for (offset, session) in model.sessions[first..<min(model.sessions.count, first + height)].enumerated() {
            let row = region.top + 1 + offset
            let selected = session.id == model.selected
            let text = "\(selected ? "▶" : " ") #\(session.id)  \(session.peer)  \(session.status)\(session.held ? " (held)" : "")  in \(Self.bytes(session.bytesIn))  out \(Self.bytes(session.bytesOut))"
            if selected { screen.fill(row: row, from: 0, style: .selected) }
            screen.put(text, row: row, column: 0, width: screen.columns,
                       style: selected ? .selected : session.open ? .normal : .dim)
        }
    }

    /// `512 B`, `12.3 KiB`, `4.0 MiB`.
    static func bytes(_ count: UInt64) -> String { ByteCount.text(count, binary: true) }
}
