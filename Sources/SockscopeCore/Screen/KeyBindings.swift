
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
        (.function(9), "Ladder", .command(.ladder)),
        (.function(10), "Quit", .command(.quit)),
        (.function(12), "Hold", .toggleHold),
        (.enter, "send", .submit),
        (.control("d"), "end of input", .endOfInput),
        (.left, "move", .left), (.right, "move", .right),
        (.home, "start/end", .home), (.end, "start/end", .end),
        (.control("a"), "start/end", .home), (.control("e"), "start/end", .end),
        (.backspace, "delete", .backspace), (.delete, "delete", .deleteForward),
        (.control("u"), "delete to start", .deleteToStart),
        (.control("w"), "delete word", .deleteWord),
        (.up, "history", .historyUp), (.down, "history", .historyDown),
        (.pageUp, "scroll", .scrollUp), (.pageDown, "scroll", .scrollDown),
        (.control("p"), "ladder", .selectEarlier), (.control("n"), "ladder", .selectLater),
        (.tab, "focus", .focusNext), (.backTab, "focus", .focusPrevious),
        (.escape, "back to typing", .focusInput),
        (.control("t"), "state diagram", .command(.diagram)),
        (.control("o"), "TLS", .command(.tls)),
        (.control("l"), "redraw", .redraw),
    ]

    static let lookup: [Key: KeyAction] = {
        var map: [Key: KeyAction] = [:]
        for binding in table where map[binding.key] == nil { map[binding.key] = binding.action }
        return map
    }()

    public static func action(for key: Key) -> KeyAction? { lookup[key] }

    /// Every other key by what it does, in the table's order: `("←/→", "move")`, with
    /// consecutive Ctrl keys sharing their prefix (`Ctrl-A/E`).
    public static var editing: [(keys: String, label: String)] {
        var groups: [(keys: [Key], label: String)] = []
        for binding in table {
            if case .function = binding.key { continue }
            if let index = groups.firstIndex(where: { $0.label == binding.label }) {
                groups[index].keys.append(binding.key)
            } else {
                groups.append(([binding.key], binding.label))
            }
        }
        return groups.map { group in
            var text = ""
            for (index, key) in group.keys.enumerated() {
                if index > 0 { text += "/" }
                if case .control(let letter) = key, index > 0, case .control = group.keys[index - 1] {
                    text += letter.uppercased()
                } else {
                    text += key.label
                }
            }
            return (text, group.label)
        }
    }

    /// Every function key with its label (the help lists them all).
    public static var functionKeys: [(key: String, label: String)] {
        table.compactMap { binding in
            if case .function(let n) = binding.key { return ("F\(n)", binding.label) }
            return nil
        }
    }

    /// The footer: the function keys that apply here (watch has no connection, hence no hex, FIN,
    /// close, RST, next or ladder; UDP has no FIN, no RST, no ladder; one connection has no next), most
    /// needed first, so that a narrow screen drops the others and keeps Help and Quit.
    /// A Unix socket has no RST and no segments to draw (no F7, no F9).
    public static func footer(watchOnly: Bool, datagram: Bool, multiConnection: Bool, unix: Bool = false) -> [(key: String, label: String)] {
        let hidden: Set<Int> = watchOnly ? [2, 5, 6, 7, 8, 9, 12]
            : Set(datagram ? [5, 7, 9, 12] : []).union(multiConnection ? [] : [8]).union(unix ? [7, 9] : [])
        let applying = table.compactMap { binding -> (Int, String)? in
            guard case .function(let n) = binding.key, !hidden.contains(n) else { return nil }
            return (n, binding.label)
        }
        return applying.map { ("F\($0.0)", $0.1) }
    }

    /// The order in which a narrow footer gives keys up: the last first.
    public static let footerPriority = [1, 10, 9, 5, 6, 7, 12, 8, 3, 2, 4]
}
