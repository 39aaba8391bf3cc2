import SockscopeCore

/// The conversation: one entry per line received or sent, timestamped and marked with its
/// direction, wrapped to the width; a peer's control bytes appear as escapes in their own style.
/// Only the entries on screen are escaped, so a flood costs no text work.
struct ConversationView {
    typealias Segment = (text: String, style: Style)
    let formatTime: (Double) -> String

    /// The newest rows: at least `count` of them when the conversation has that many, and whether
    /// they reach back to its oldest. Worked out once a frame, for the layout's measure and the
    /// drawing alike.
    struct Tail {
        var rows: [[Segment]] = []
        var reachesOldest = true
    }

    func tail(_ model: ScreenModel, count: Int, width: Int, asciiOnly: Bool) -> Tail {
        var tail = Tail()
        for entry in model.conversation.entries.reversed() {
            if tail.rows.count >= count {
                tail.reachesOldest = false
                break
            }
            tail.rows.insert(contentsOf: rows(entry, model: model, width: width, asciiOnly: asciiOnly), at: 0)
        }
        return tail
    }

    /// The rows the conversation would fill, up to `limit` (its rule included).
    static func want(_ tail: Tail, limit: Int) -> Int { max(2, min(limit, 1 + tail.rows.count)) }

    /// Draws the rows at the scroll position (`tail` holds at least the scroll position and the
    /// region's height of them); returns how far back it can scroll, when the oldest row was
    /// reached (a short conversation never scrolls into blank space).
    @discardableResult
    func draw(_ model: ScreenModel, tail: Tail, in region: ScreenLayout.Region, on screen: Screen) -> Int? {
        let height = region.height - 1
        let rows = tail.rows
        let reachedOldest = tail.reachesOldest
        let limit = reachedOldest ? max(0, rows.count - height) : nil
        let scroll = min(model.scroll, limit ?? model.scroll)
        var details: [String] = []
        if !model.header.policy.isEmpty { details.append(model.header.policy) }
        if model.hex { details.append("hex") }
        if scroll > 0 { details.append("scrolled back \(scroll) rows (PgDn)") }
        if model.conversation.dropped > 0 { details.append("\(model.conversation.dropped) older lines dropped") }
        drawRule("Conversation", detail: details.joined(separator: " · "), row: region.top, on: screen)
        guard height > 0 else { return limit }
        if model.conversation.entries.isEmpty {
            let hint = model.watchOnly ? "" : "Nothing yet. Type a line and press Enter to send it; /help lists commands."
            screen.put(hint, row: region.top + 1, column: 0, width: screen.columns, style: .dim)
            return limit
        }
        let end = max(0, rows.count - scroll)
        let start = max(0, end - height)
        for (offset, row) in rows[start..<end].enumerated() {
            var column = 0
            for segment in row {
                column = screen.put(segment.text, row: region.top + 1 + offset, column: column,
                                    width: screen.columns - column, style: segment.style)
            }
        }
        return limit
    }

    func rows(_ entry: Conversation.Entry, model: ScreenModel, width: Int, asciiOnly: Bool = false) -> [[Segment]] {
        let mark: String
        let style: Style
        switch entry.direction {
        case .received: mark = "←"; style = .received
        case .sent: mark = "→"; style = .sent
        case .note: mark = "·"; style = .note
        }
        var prefix = formatTime(entry.time) + " "
        if model.multiConnection && entry.connection > 0 { prefix += "#\(entry.connection) " }
        prefix += mark + " "
        if asciiOnly { prefix = ASCIIGlyphs.fold(prefix) }
        let indent = DisplayWidth.of(prefix)
        if model.hex && entry.direction != .note {
            var rows: [[Segment]] = [[(prefix, .dim), ("\(entry.bytes.count) bytes", style)]]
            entry.bytes.withUnsafeBytes { bytes in
                var start = 0
                while start < bytes.count {
                    let end = min(start + 16, bytes.count)
                    // HexDump's row, without its direction mark and newline.
                    let text = HexDump.row(bytes, from: start, to: end, offset: start, mark: "<")
                    rows.append([("  " + text.dropFirst(2).dropLast(), style)])
                    start = end
                }
            }
            return rows
        }
        let pieces: [Segment] = entry.direction == .note
            ? [(String(decoding: entry.bytes, as: UTF8.self), style)]
            : EscapedText(entry.shownBytes, asciiOnly: asciiOnly).pieces.map { piece in
                switch piece {
                case .text(let text): (text, style)
                case .escape(let text): (text, .escape)
                }
            }
        return wrap(pieces, first: [(prefix, .dim)], indent: indent, width: width)
    }

    /// Splits segments into rows of `width` columns; rows after the first start at `indent`.
    func wrap(_ pieces: [Segment], first: [Segment], indent: Int, width: Int) -> [[Segment]] {
        let room = max(8, width - indent)
        var rows: [[Segment]] = []
        var current = first
        var used = 0
        for piece in pieces {
            var rest = Substring(piece.text)
            while !rest.isEmpty {
                var fitted = DisplayWidth.prefix(rest, fitting: room - used)
                // Prose (a note) breaks at a space, not in the middle of a word; a word longer
                // than the row is cut as it must be. Peer bytes are cut by width alone.
                if piece.style == .note, fitted.text.count < rest.count, rest[fitted.text.endIndex] != " " {
                    if let space = fitted.text.lastIndex(of: " ") {
                        let kept = fitted.text[...space]
                        fitted = (kept, DisplayWidth.of(kept))
                    } else if used > 0 {
                        fitted = (fitted.text.prefix(0), 0)  // the word starts the next row
                    }
                }
                // An escape is not split across rows.
                if fitted.text.isEmpty || (piece.style == .escape && fitted.text.count < rest.count && used > 0) {
                    if used == 0 { break }  // a character wider than the row: give up on it
                    rows.append(current)
                    current = [(String(repeating: " ", count: indent), .normal)]
                    used = 0
                    continue
                }
                current.append((String(fitted.text), piece.style))
                used += fitted.width
                rest = rest[fitted.text.endIndex...]
            }
        }
        rows.append(current)
        return rows
    }
}
