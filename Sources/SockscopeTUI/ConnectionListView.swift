import SockscopeCore

/// Under -l -k: the connections, one per row, with state and bytes each way; the selected one (which
/// receives typed lines) is highlighted.
struct ConnectionListView {
    func draw(_ model: ScreenModel, in region: ScreenLayout.Region, on screen: Screen) {
        let open = model.connections.filter(\.open).count
        drawRule("Connections", detail: "\(open) open of \(model.connections.count) · F8 selects", row: region.top, on: screen)
        let height = region.height - 1
        guard height > 0 else { return }
        if model.connections.isEmpty {
            screen.put("Waiting for clients.", row: region.top + 1, column: 2, width: screen.columns - 2, style: .dim)
            return
        }
        // Keep the selected connection in view.
        let selectedIndex = model.connections.firstIndex { $0.id == model.selected } ?? 0
        let first = max(0, min(selectedIndex - height + 1, model.connections.count - height))
        for (offset, connection) in model.connections[first..<min(model.connections.count, first + height)].enumerated() {
            let row = region.top + 1 + offset
            let selected = connection.id == model.selected
            let text = "\(selected ? "▶" : " ") #\(connection.id)  \(connection.peer)  \(connection.status)\(connection.held ? " (held)" : "")  in \(Self.bytes(connection.bytesIn))  out \(Self.bytes(connection.bytesOut))"
            if selected { screen.fill(row: row, from: 0, style: .selected) }
            screen.put(text, row: row, column: 0, width: screen.columns,
                       style: selected ? .selected : connection.open ? .normal : .dim)
        }
    }

    /// `512 B`, `12.3 KiB`, `4.0 MiB`.
    static func bytes(_ count: UInt64) -> String { ByteCount.text(count, binary: true) }
}
