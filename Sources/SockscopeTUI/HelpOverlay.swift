import SockscopeCore

/// F1 or /help: keys and commands in a box over the screen, from the one table of bindings and
/// the command list. Any key closes it.
struct HelpOverlay {
    func lines() -> [String] {
        var lines = ["Keys"]
        let keys = KeyBindings.footer.map { "\($0.key) \($0.label)".padding(to: 10) }
        for start in stride(from: 0, to: keys.count, by: 5) {
            lines.append("  " + keys[start..<min(keys.count, start + 5)].joined())
        }
        lines.append("  Enter send the line      Ctrl-D end of input (-N, -q apply)")
        lines.append("  ←/→ Home/End Bksp Del Ctrl-U Ctrl-W edit   ↑/↓ history")
        lines.append("  PgUp/PgDn scroll   Tab next session   Ctrl-L redraw")
        lines.append("Commands")
        for (usage, text) in ScreenCommand.descriptions { lines.append("  \(usage.padding(to: 16)) \(text)") }
        return lines
    }

    func draw(on screen: Screen) {
        let content = lines()
        let width = min(screen.columns - 2, (content.map { DisplayWidth.of($0) }.max() ?? 0) + 4)
        let height = min(screen.rows - 2, content.count + 2)
        let left = max(0, (screen.columns - width) / 2)
        let top = max(0, (screen.rows - height) / 2)
        for row in top..<(top + height) {
            screen.put(String(repeating: " ", count: width), row: row, column: left, style: .normal)
        }
        let rule = String(repeating: "─", count: max(0, width - 2))
        screen.put("┌" + rule + "┐", row: top, column: left, style: .title)
        screen.put(" sockscope help · any key closes ", row: top, column: left + 2, width: width - 4, style: .title)
        for index in 0..<max(0, height - 2) {
            let row = top + 1 + index
            screen.put("│", row: row, column: left, style: .title)
            let text = index < content.count ? content[index] : ""
            let isHeading = !text.hasPrefix(" ")
            screen.put(text, row: row, column: left + 2, width: width - 4, style: isHeading ? .title : .normal)
            screen.put("│", row: row, column: left + width - 1, style: .title)
        }
        screen.put("└" + rule + "┘", row: top + height - 1, column: left, style: .title)
        screen.hideCursor()
    }
}

extension String {
    func padding(to width: Int) -> String {
        self + String(repeating: " ", count: max(0, width - DisplayWidth.of(self)))
    }
}
