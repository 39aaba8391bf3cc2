import SockscopeCore

/// The transition log: each transition on one line (time, connection, from → to, the time spent in
/// the state it left, the two ends, the source) with its explanation below; or, compact (/compact,
/// or while the log has the focus), one line each with the selected one explained at the bottom.
/// It scrolls back through everything kept; /filter narrows it as it narrows the table.
struct TransitionLogView {
    let formatTime: (Double) -> String

    /// Explanations take one row on a short screen (80×24), two on a taller one.
    static func explanationRows(screenRows: Int) -> Int { screenRows >= 30 ? 2 : 1 }

    /// The rows the log would fill with all the room it wants (its rule included).
    /// `items`: the model's `shownLog`, filtered once a frame by the caller.
    func want(_ model: ScreenModel, items: [TransitionLog.Item], columns: Int, screenRows: Int, limit: Int) -> Int {
        if items.isEmpty { return 2 }
        if model.logIsCompact { return 1 + min(limit, items.count + 3) }
        var used = 1
        for item in items.reversed() {
            used += 1 + Self.wrap(explanation(of: item, model: model), width: columns - 2, maxRows: Self.explanationRows(screenRows: screenRows)).count
            if used >= limit { break }
        }
        return used
    }

    func draw(_ model: ScreenModel, items: [TransitionLog.Item], in region: ScreenLayout.Region, screenRows: Int, on screen: Screen) {
        let selected = model.logSelectionIndex(in: items)
        var details = [model.board.showAll ? "all sockets" : "ours (F3: all)"]
        if !model.board.filter.isEmpty { details.append("filter: \(model.board.filter.expression)") }
        if let selected, model.logSelected != nil || model.focus == .log { details.append("\(selected + 1)/\(items.count)") }
        details.append(model.focus == .log ? "↑↓ PgUp PgDn Home End · Esc" : "Tab: scroll")
        drawRule("Transitions", detail: details.joined(separator: " · "), focused: model.focus == .log, row: region.top, on: screen)
        let height = region.height - 1
        guard height > 0 else { return }
        guard let selected else {
            let text = model.board.filter.isEmpty ? "None yet: each state change will appear here with what it means."
                                                  : "No transition matches the filter."
            screen.put(text, row: region.top + 1, column: 0, width: screen.columns, style: .dim)
            return
        }
        if model.logIsCompact {
            drawCompact(items, selected: selected, model: model, in: region, on: screen)
        } else {
            drawFull(items, through: selected, model: model, in: region, screenRows: screenRows, on: screen)
        }
    }

    /// Newest at the bottom (or the selected one, when scrolled back), each with its explanation.
    func drawFull(_ items: [TransitionLog.Item], through last: Int, model: ScreenModel, in region: ScreenLayout.Region,
                  screenRows: Int, on screen: Screen) {
        let height = region.height - 1
        var blocks: [[(String, Style)]] = []
        var used = 0
        for item in items[...last].reversed() {
            let block = [(head(item, model: model), style(of: item))]
                + Self.wrap(explanation(of: item, model: model), width: screen.columns - 2, maxRows: Self.explanationRows(screenRows: screenRows))
                    .map { ("  " + $0, Style.dim) }
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

    /// One line each, the selected one highlighted and explained under the list.
    func drawCompact(_ items: [TransitionLog.Item], selected: Int, model: ScreenModel, in region: ScreenLayout.Region,
                     on screen: Screen) {
        let height = region.height - 1
        let explanation = Self.wrap(explanation(of: items[selected], model: model), width: screen.columns - 2, maxRows: max(1, min(3, height - 2)))
        let visible = max(1, height - (height > 2 ? explanation.count : 0))
        let start = max(0, min(selected - visible / 2, items.count - visible))
        for (offset, index) in (start..<min(items.count, start + visible)).enumerated() {
            let row = region.top + 1 + offset
            let isSelected = index == selected && (model.focus == .log || model.logSelected != nil)
            if isSelected { screen.fill(row: row, from: 0, style: .selected) }
            screen.put(head(items[index], model: model), row: row, column: 0, width: screen.columns,
                       style: isSelected ? .selected : style(of: items[index]))
        }
        guard height > 2 else { return }
        for (offset, text) in explanation.enumerated() {
            screen.put("  " + text, row: region.top + 1 + visible + offset, column: 0, width: screen.columns, style: .dim)
        }
    }

    func style(of item: TransitionLog.Item) -> Style { item.connection == nil ? .normal : .own }

    /// What changed first (it is what people read), then where, then how it was seen.
    func head(_ item: TransitionLog.Item, model: ScreenModel) -> String {
        let transition = item.transition
        var head = formatTime(transition.time) + " "
        if let connection = item.connection { head += connection == 0 ? "listener " : "#\(connection) " }
        head += "\(transition.from?.screenName ?? "-") → \(transition.to?.screenName ?? "-")"
        if let duration = transition.duration { head += " after \(DurationText.short(duration))" }
        head += "  \(transition.entry.proto.rawValue) \(transition.entry.local) ⇄ \(transition.entry.remote)"
        head += "  \(transition.source.rawValue)"
        return head
    }

    /// The explanation, naming the socket by its role; without its `FROM → TO: ` (the line
    /// above says it).
    func explanation(of item: TransitionLog.Item, model: ScreenModel) -> String {
        var transition = item.transition
        transition.role = model.role(of: item)
        var explanation = transition.explanation
        if let colon = explanation.firstIndex(of: ":"), explanation[..<colon].contains("→") {
            explanation = String(explanation[explanation.index(after: colon)...].drop(while: { $0 == " " }))
        }
        return explanation
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
