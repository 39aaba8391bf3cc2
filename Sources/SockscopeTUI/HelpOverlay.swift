import SockscopeCore

/// F1 or /help: keys and commands in a box over the screen, drawn entirely from the one table of
/// bindings and the command list, so it cannot disagree with them. Any key closes it.
struct HelpOverlay {
    /// What the state table's marks and columns mean.
    static let marks: [(String, String)] = [
        ("▶", "our socket (▷: another connection's, under -l -k)"),
        ("↳", "the other end of our connection, when it is on this host"),
        ("#1, our listener", "which of our connections the socket belongs to"),
        ("q 0/128", "Recv-Q/Send-Q bytes; on a listener: accept queue/backlog"),
        ("on 3.1s", "retransmission timer: a segment waits for its ACK"),
        ("persist 1.2s", "zero-window probe timer: the peer's window is 0"),
        ("keepalive 7199s", "keep-alive timer (SO_KEEPALIVE)"),
        ("timewait 59.3s", "TIME_WAIT counting down (2 MSL, 60 s on Linux)"),
        ("rtt cwnd wnd", "TCP_INFO (as ss -i): round-trip time, congestion window, the peer's window"),
        ("rtx acked", "TCP_INFO: retransmits, bytes the peer acknowledged"),
        ("yellow row", "a field that changed a moment ago"),
    ]

    /// The state sources in full, first (the header says them in brief).
    var sources = ""

    func lines(width: Int) -> [String] {
        var lines: [String] = []
        if !sources.isEmpty {
            lines.append("Sources")
            lines += TransitionLogView.wrap(sources, width: width - 2, maxRows: 4).map { "  " + $0 }
        }
        lines.append("Keys")
        let keys = KeyBindings.functionKeys.map { "\($0.key) \($0.label)".padding(to: 10) }
        for start in stride(from: 0, to: keys.count, by: 5) {
            lines.append("  " + keys[start..<min(keys.count, start + 5)].joined())
        }
        // The other keys, packed into lines as wide as the box allows.
        var line = ""
        for group in KeyBindings.editing.map({ "\($0.keys) \($0.label)" }) {
            if !line.isEmpty && DisplayWidth.of(line) + 2 + DisplayWidth.of(group) > width {
                lines.append(line)
                line = ""
            }
            line += "  " + group
        }
        lines.append(line)
        lines.append("  In a pane Tab gave the focus: ↑↓ select, PgUp/PgDn page, Home/End go to either end")
        lines.append("Commands")
        for (usage, text) in ScreenCommand.descriptions { lines.append("  \(usage.padding(to: 16)) \(text)") }
        lines.append("Table marks")
        for (mark, text) in Self.marks { lines.append("  \(mark.padding(to: 16)) \(text)") }
        return lines
    }

    func draw(scroll: Int, on screen: Screen) {
        let all = lines(width: min(76, screen.columns - 6))
        let width = min(screen.columns - 2, (all.map { DisplayWidth.of($0) }.max() ?? 0) + 4)
        let height = min(screen.rows, all.count + 2)  // the whole screen if need be: it is an overlay
        let content = Array(all.dropFirst(max(0, min(scroll, all.count - (height - 2)))))
        let more = all.count > height - 2
        let title = more ? " sockscope help · ↑↓ PgUp PgDn scroll · any other key closes " : " sockscope help · any key closes "
        let (top, left) = OverlayFrame.draw(title: title, width: width, height: height, rows: screen.rows, on: screen)
        for (index, text) in content.prefix(max(0, height - 2)).enumerated() {
            let isHeading = !text.hasPrefix(" ")
            screen.put(text, row: top + 1 + index, column: left + 2, width: width - 4, style: isHeading ? .title : .normal)
        }
        screen.hideCursor()
    }
}

extension String {
    func padding(to width: Int) -> String {
        self + String(repeating: " ", count: max(0, width - DisplayWidth.of(self)))
    }

}
