/// A key press, as the screen reports it (the terminal's codes are decoded in CursesScreen).
public enum Key: Hashable, Sendable {
    case character(Character)
    /// Ctrl and a letter, lowercase: `.control("u")` is Ctrl-U.
    case control(Character)
    case enter, backspace, delete, tab, escape
    case left, right, up, down, home, end, pageUp, pageDown
    case function(Int)
    /// The terminal changed size.
    case resize
}
