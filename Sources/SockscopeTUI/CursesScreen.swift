import CCurses
import Glibc
import SockscopeCore

/// The terminal, through ncursesw: the ONLY file that calls curses (DESIGN.md). Views draw into
/// curses' virtual screen; `present()` lets curses send only the cells that changed.
public final class CursesScreen: Screen {
    public enum Failure: Error, CustomStringConvertible {
        case noTerminal(String)
        public var description: String {
            switch self {
            case .noTerminal(let reason): reason
            }
        }
    }

    private var screen: OpaquePointer?
    private var closed = false
    private var cursor: (row: Int, column: Int)?
    private let colours: Bool
    private var attributes: [Style: attr_t] = [:]
    public let asciiOnly: Bool

    /// Takes over the terminal on file descriptors 0 and 1. `colours` false honours NO_COLOR.
    public init(colours wanted: Bool) throws(Failure) {
        setlocale(LC_ALL, "")
        // A locale that is not UTF-8 cannot show the rules and arrows: fall back to ASCII.
        asciiOnly = !Self.localeIsUTF8()
        // newterm rather than initscr: an unknown TERM returns NULL instead of exiting.
        guard let output = fdopen(dup(1), "w"), let input = fdopen(dup(0), "r") else {
            throw .noTerminal("cannot open the terminal")
        }
        guard let screen = newterm(nil, output, input) else {
            let term = getenv("TERM").map { String(cString: $0) } ?? "?"
            throw .noTerminal("the terminal type \(term) is unknown to curses")
        }
        self.screen = screen
        cbreak()
        noecho()
        nonl()
        intrflush(ccurses_stdscr(), false)
        keypad(ccurses_stdscr(), true)
        nodelay(ccurses_stdscr(), true)  // keys are read when poll() says fd 0 is readable
        set_escdelay(25)
        colours = wanted && has_colors()
        if colours {
            start_color()
            use_default_colors()
        }
        setUpStyles()
    }

    deinit { close() }

    /// Whether the locale set from the environment encodes UTF-8 (`UTF-8`, `utf8`).
    static func localeIsUTF8() -> Bool {
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        return String(cString: codeset).uppercased().filter { $0 != "-" } == "UTF8"
    }

    /// Gives the terminal back: normal mode, cursor visible, screen as the shell left it.
    public func close() {
        guard !closed else { return }
        closed = true
        curs_set(1)
        endwin()
        if let screen { delscreen(screen) }
        screen = nil
    }

    /// Keys come from the terminal on standard input.
    public var keyboard: Int32 { 0 }

    public func suspend() {
        guard !closed else { return }
        endwin()
    }

    public func resume() {
        guard !closed else { return }
        reset_prog_mode()
        keypad(ccurses_stdscr(), true)  // sends keypad-transmit again: arrows as keys, not text
        clearok(ccurses_stdscr(), true)
        wrefresh(ccurses_stdscr())
    }

    public var rows: Int { Int(ccurses_lines()) }
    public var columns: Int { Int(ccurses_cols()) }

    /// After SIGWINCH: asks the terminal its size and resizes curses' screens to it.
    public func resize() {
        var size = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &size) == 0 && size.ws_row > 0 && size.ws_col > 0 {
            resizeterm(Int32(size.ws_row), Int32(size.ws_col))
        }
    }

    func setUpStyles() {
        let bold = ccurses_a_bold(), dim = ccurses_a_dim(), reverse = ccurses_a_reverse()
        let underline = ccurses_a_underline()
        // (foreground, background, attributes with colour, attributes without)
        let table: [(Style, Int32, Int32, attr_t, attr_t)] = [
            (.normal, -1, -1, 0, 0),
            (.title, COLOR_CYAN, -1, bold, bold),
            (.dim, -1, -1, dim, dim),
            (.received, COLOR_GREEN, -1, 0, 0),
            (.sent, COLOR_CYAN, -1, 0, 0),
            (.note, COLOR_YELLOW, -1, 0, dim),
            (.escape, COLOR_MAGENTA, -1, bold, underline),
            (.own, COLOR_GREEN, -1, bold, bold),
            (.localPeer, COLOR_YELLOW, -1, 0, underline),
            (.changed, COLOR_BLACK, COLOR_YELLOW, bold, reverse | bold),
            (.selected, -1, -1, reverse, reverse),
            (.warning, COLOR_RED, -1, bold, bold),
            (.key, COLOR_BLACK, COLOR_CYAN, 0, reverse),
            (.input, -1, -1, 0, 0),
        ]
        for (index, (style, foreground, background, withColour, without)) in table.enumerated() {
            if colours {
                let pair = Int16(index + 1)
                init_pair(pair, Int16(foreground), Int16(background))
                attributes[style] = withColour | ccurses_color_pair(pair)
            } else {
                attributes[style] = without
            }
        }
    }

    public func erase() { werase(ccurses_stdscr()) }

    @discardableResult
    public func put(_ text: String, row: Int, column: Int, style: Style) -> Int {
        guard row >= 0, row < rows, column < columns else { return column }
        // The last guard: a control character left in the text would be acted on by curses (a
        // NUL ends the string, LF clears the row) or by the terminal; it is shown escaped.
        let text = text.controlsEscaped
        let fitted = DisplayWidth.prefix(asciiOnly ? ASCIIGlyphs.fold(text) : text, fitting: columns - column)
        wattrset(ccurses_stdscr(), Int32(bitPattern: attributes[style] ?? 0))
        mvwaddnstr(ccurses_stdscr(), Int32(row), Int32(column), String(fitted.text), -1)
        wattrset(ccurses_stdscr(), 0)
        return column + fitted.width
    }

    public func fill(row: Int, from column: Int, style: Style) {
        guard column < columns else { return }
        put(String(repeating: " ", count: columns - column), row: row, column: column, style: style)
    }

    public func placeCursor(row: Int, column: Int) { cursor = (row, column) }
    public func hideCursor() { cursor = nil }

    public func present() {
        if let cursor {
            curs_set(1)
            wmove(ccurses_stdscr(), Int32(cursor.row), Int32(cursor.column))
        } else {
            curs_set(0)
        }
        wnoutrefresh(ccurses_stdscr())
        doupdate()
    }

    /// Every key waiting (the loop calls this when poll() says the terminal is readable).
    public func readKeys() -> [Key] {
        var keys: [Key] = []
        var value: UInt32 = 0
        while true {
            let kind = ccurses_read_key(&value)
            if kind == 0 { break }
            if let key = kind == 2 ? Self.special(Int32(value)) : Self.character(value) { keys.append(key) }
        }
        return keys
    }

    static func character(_ value: UInt32) -> Key? {
        switch value {
        case 10, 13: return .enter
        case 8, 127: return .backspace
        case 9: return .tab
        case 27: return .escape
        case 1...26: return .control(Character(Unicode.Scalar(value + 96) ?? "?"))
        case 0..<32: return nil
        default: return Unicode.Scalar(value).map { .character(Character($0)) }
        }
    }

    static func special(_ code: Int32) -> Key? {
        switch code {
        case KEY_LEFT: .left
        case KEY_RIGHT: .right
        case KEY_UP: .up
        case KEY_DOWN: .down
        case KEY_HOME: .home
        case KEY_END: .end
        case KEY_PPAGE: .pageUp
        case KEY_NPAGE: .pageDown
        case KEY_BACKSPACE: .backspace
        case KEY_DC: .delete
        case KEY_BTAB: .backTab
        case KEY_ENTER: .enter
        case KEY_RESIZE: .resize
        case ccurses_key_f(1)...ccurses_key_f(12): .function(Int(code - ccurses_key_f(0)))
        default: nil
        }
    }
}
