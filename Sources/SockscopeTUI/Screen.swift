import SockscopeCore

/// A grid of cells that views draw into: the terminal (CursesScreen) or memory (CellGrid, for
/// tests). Text is clipped at the right edge; nothing wraps by itself.
public protocol Screen: AnyObject {
    var rows: Int { get }
    var columns: Int { get }
    /// Whether only ASCII can be shown (the locale is not UTF-8): `put` then folds every glyph
    /// to ASCII (ASCIIGlyphs).
    var asciiOnly: Bool { get }
    /// Blanks the whole grid.
    func erase()
    /// Writes `text` from `column`; returns the column after the last cell written. Wide
    /// characters take two cells; one that would not fit is left out. Views escape what they
    /// draw; a control character that is left is shown escaped (`controlsEscaped`), never sent.
    @discardableResult func put(_ text: String, row: Int, column: Int, style: Style) -> Int
    /// Paints cells `column..<columns` of `row` blank in `style` (a highlighted row's background).
    func fill(row: Int, from column: Int, style: Style)
    /// Where the terminal cursor rests (the input line); nil hides it.
    func placeCursor(row: Int, column: Int)
    func hideCursor()
    /// Makes what was drawn visible (curses sends only the cells that changed).
    func present()
    /// Where keys arrive: a descriptor to poll for POLLIN, then `readKeys()`.
    var keyboard: Int32 { get }
    /// Every key waiting.
    func readKeys() -> [Key]
    /// After SIGWINCH: take the terminal's new size.
    func resize()
    /// Gives the terminal back as it was.
    func close()
    /// Gives the terminal back for a while (Ctrl-Z), and takes it again after SIGCONT: program
    /// modes, keypad mode (or arrow keys would arrive as text) and a full repaint.
    func suspend()
    func resume()
}

extension Screen {
    /// Writes text clipped to `width` columns from `column`; returns the column after it.
    @discardableResult
    public func put(_ text: String, row: Int, column: Int, width: Int, style: Style) -> Int {
        guard width > 0 else { return column }
        // Escaped and folded before it is clipped, so that a `\x1b` or a `->` is measured as the
        // columns it takes.
        let text = text.controlsEscaped
        let clipped = DisplayWidth.prefix(asciiOnly ? ASCIIGlyphs.fold(text) : text, fitting: width)
        put(String(clipped.text), row: row, column: column, style: style)
        return column + clipped.width
    }
}
