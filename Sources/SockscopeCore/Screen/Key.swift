/// A key press, as the screen reports it (the terminal's codes are decoded in CursesScreen).
public enum Key: Hashable, Sendable {
    case character(Character)
    /// Ctrl and a letter, lowercase: `.control("u")` is Ctrl-U.
    case control(Character)
    case enter, backspace, delete, tab, backTab, escape
    case left, right, up, down, home, end, pageUp, pageDown
    case function(Int)
    /// The terminal changed size.
    case resize

    /// How help names it: `F1`, `Enter`, `Ctrl-D`, `←`, `PgUp`.
    public var label: String {
        switch self {
        case .character(let character): String(character)
        case .control(let letter): "Ctrl-\(letter.uppercased())"
        case .enter: "Enter"
        case .backspace: "Bksp"
        case .delete: "Del"
        case .tab: "Tab"
        case .backTab: "Shift-Tab"
        case .escape: "Esc"
        case .left: "←"
        case .right: "→"
        case .up: "↑"
        case .down: "↓"
        case .home: "Home"
        case .end: "End"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .function(let n): "F\(n)"
        case .resize: "resize"
        }
    }
}
