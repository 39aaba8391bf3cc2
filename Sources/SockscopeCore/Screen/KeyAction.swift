/// One table of key bindings (htop's single key table): what every special key does. The footer
/// and the help overlay are drawn from this table, so they cannot disagree with the keys.
public enum KeyAction: Equatable, Sendable {
    case command(ScreenCommand)
    case submit, endOfInput
    case left, right, home, end, backspace, deleteForward, deleteToStart, deleteWord
    case historyUp, historyDown
    case scrollUp, scrollDown
    /// The ladder's selection: the segment before or after.
    case selectEarlier, selectLater
    case redraw
    /// Which pane the arrows and page keys move in (the input line always takes typing).
    case focusNext, focusPrevious, focusInput
    /// Home and End in a focused pane: its first and last line.
    case paneFirst, paneLast
    /// F12: /hold, or /release when the selected connection is held.
    case toggleHold
    /// ←/→ with the table focused: the column it is sorted by.
    case sortPrevious, sortNext
}
