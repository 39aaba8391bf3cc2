/// One table of key bindings (htop's single key table): what every special key does. The footer
/// and the help overlay are drawn from this table, so they cannot disagree with the keys.
public enum KeyAction: Equatable, Sendable {
    case command(ScreenCommand)
    case submit, endOfInput
    case left, right, home, end, backspace, deleteForward, deleteToStart, deleteWord
    case historyUp, historyDown
    case scrollUp, scrollDown
    case redraw
}

public enum KeyBindings {
    public static let table: [(key: Key, label: String, action: KeyAction)] = [
        (.function(1), "Help", .command(.help)),
        (.function(2), "Hex", .command(.hex)),
        (.function(3), "All", .command(.all)),
        (.function(4), "Pause", .command(.pause)),
        (.function(5), "FIN", .command(.shutdown)),
        (.function(6), "Close", .command(.close)),
        (.function(7), "RST", .command(.reset)),
        (.function(8), "Next", .command(.next)),
        (.function(10), "Quit", .command(.quit)),
        (.enter, "send", .submit),
        (.control("d"), "end of input (-N/-q apply)", .endOfInput),
        (.left, "", .left), (.right, "", .right), (.home, "", .home), (.end, "", .end),
        (.control("a"), "", .home), (.control("e"), "", .end),
        (.backspace, "", .backspace), (.delete, "", .deleteForward),
        (.control("u"), "delete to start of line", .deleteToStart),
        (.control("w"), "delete word", .deleteWord),
        (.up, "history", .historyUp), (.down, "history", .historyDown),
        (.pageUp, "scroll up", .scrollUp), (.pageDown, "scroll down", .scrollDown),
        (.control("l"), "redraw", .redraw),
        (.tab, "next session", .command(.next)),
    ]

    static let lookup: [Key: KeyAction] = {
        var map: [Key: KeyAction] = [:]
        for binding in table where map[binding.key] == nil { map[binding.key] = binding.action }
        return map
    }()

    public static func action(for key: Key) -> KeyAction? { lookup[key] }

    /// The footer: the function keys with their labels.
    public static var footer: [(key: String, label: String)] {
        table.compactMap { binding in
            if case .function(let n) = binding.key { return ("F\(n)", binding.label) }
            return nil
        }
    }
}
