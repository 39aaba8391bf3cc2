/// The frame every overlay is drawn in (help, the state diagram, TLS): a box centred in the
/// rows it may take, cleared, its title on the top rule. The overlay fills the inside.
enum OverlayFrame {
    /// Draws a `width` × `height` box centred across the screen and within its first `rows`
    /// rows; returns its top row and left column.
    static func draw(title: String, width: Int, height: Int, rows: Int, on screen: Screen) -> (top: Int, left: Int) {
        let left = max(0, (screen.columns - width) / 2)
        let top = max(0, (rows - height) / 2)
        let blank = String(repeating: " ", count: width)
        for row in top..<(top + height) { screen.put(blank, row: row, column: left, style: .normal) }
        let rule = String(repeating: "─", count: max(0, width - 2))
        screen.put("┌" + rule + "┐", row: top, column: left, style: .title)
        screen.put(title, row: top, column: left + 2, width: width - 4, style: .title)
        for row in (top + 1)..<max(top + 1, top + height - 1) {
            screen.put("│", row: row, column: left, style: .title)
            screen.put("│", row: row, column: left + width - 1, style: .title)
        }
        screen.put("└" + rule + "┘", row: top + height - 1, column: left, style: .title)
        return (top, left)
    }
}
