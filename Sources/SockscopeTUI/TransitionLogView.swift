import SockscopeCore

/// The transition log: newest at the bottom, each transition on one line (time, session, the two
/// ends, from → to, the time spent in the state it left, the source) and its explanation below.
struct TransitionLogView {
    let formatTime: (Double) -> String

    func draw(_ model: ScreenModel, in region: ScreenLayout.Region, on screen: Screen) {
        let items = model.log.shown(all: model.board.showAll).map { item in
            var named = item
            named.transition.role = model.role(of: item)
            return named
        }
        drawRule("Transitions", detail: model.board.showAll ? "all sockets" : "ours (F3: all)", row: region.top, on: screen)
        let height = region.height - 1
        guard height > 0 else { return }
        if items.isEmpty {
            screen.put("None yet: each state change will appear here with what it means.", row: region.top + 1,
                       column: 0, width: screen.columns, style: .dim)
            return
        }
        var blocks: [[(String, Style)]] = []
        var used = 0
        for item in items.reversed() {
            let block = lines(item, width: screen.columns)
            if used + block.count > height {
                if blocks.isEmpty { blocks.append(Array(block.prefix(height))) }
                break
            }
            blocks.append(block)
            used += block.count
        }
        var row = region.top + 1
        for block in blocks.reversed() {
            for (text, style) in block {
                screen.put(text, row: row, column: 0, width: screen.columns, style: style)
                row += 1
            }
        }
    }

    func lines(_ item: TransitionLog.Item, width: Int) -> [(String, Style)] {
        let transition = item.transition
        // What changed first (it is what people read), then where, then how it was seen.
        var head = formatTime(transition.time) + " "
        if let session = item.session { head += session == 0 ? "listener " : "#\(session) " }
        head += "\(transition.from?.name ?? "-") → \(transition.to?.name ?? "-")"
        if let duration = transition.duration { head += " after \(DurationText.short(duration))" }
        head += "  \(transition.entry.proto.rawValue) \(transition.entry.local) ⇄ \(transition.entry.remote)"
        head += "  \(transition.source.rawValue)"
        var explanation = transition.explanation
        // The explanation repeats `FROM → TO: `; the line above already says it.
        if let colon = explanation.firstIndex(of: ":"), explanation[..<colon].contains("→") {
            explanation = String(explanation[explanation.index(after: colon)...].drop(while: { $0 == " " }))
        }
        let style: Style = item.session == nil ? .normal : .own
        return [(head, style)] + Self.wrap(explanation, width: width - 2, maxRows: 2).map { ("  " + $0, .dim) }
    }

    /// Word-wraps text into at most `maxRows` rows, the last cut with `…`.
    static func wrap(_ text: String, width: Int, maxRows: Int) -> [String] {
        guard width > 4 else { return [] }
        var rows: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if DisplayWidth.of(candidate) <= width || current.isEmpty {
                current = candidate
            } else {
                rows.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { rows.append(current) }
        if rows.count > maxRows {
            rows = Array(rows.prefix(maxRows))
            rows[maxRows - 1] = DisplayWidth.truncate(rows[maxRows - 1] + " …", to: width)
        }
        return rows.map { DisplayWidth.truncate($0, to: width) }
    }
}
