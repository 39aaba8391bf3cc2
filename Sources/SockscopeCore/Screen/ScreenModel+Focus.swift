/// Focus and scrolling: Tab moves the focus between the panes on screen; in a focused pane the
/// arrows select, the page keys page and Home/End go to its first and last line. With the
/// conversation focused the arrows and Home/End edit the input line, as before.
extension ScreenModel {
    public enum Direction: Sendable { case earlier, later }
    public enum Step: Sendable { case one, page, all }

    /// A key's action where the focus is: outside the conversation, the editing keys move.
    func inFocus(_ action: KeyAction) -> KeyAction {
        guard focus != .conversation else { return action }
        switch action {
        case .historyUp: return .selectEarlier
        case .historyDown: return .selectLater
        case .left where focus == .table: return .sortPrevious
        case .right where focus == .table: return .sortNext
        case .home: return .paneFirst
        case .end: return .paneLast
        default: return action
        }
    }

    mutating func cycleFocus(by step: Int) {
        let order = Pane.allCases.filter { $0 == .conversation || panesOnScreen[$0] != nil }
        let index = order.firstIndex(of: focus) ?? 0
        focus = order[(index + step + order.count) % order.count]
    }

    /// PgUp/PgDn: the focused pane; with the conversation focused but not on screen (the ladder
    /// in its place), the ladder.
    mutating func scroll(_ direction: Direction, by step: Step) {
        var pane = focus
        if pane == .conversation && panesOnScreen[.conversation] == nil && ladderOnScreen { pane = .ladder }
        move(in: pane, direction, by: step)
    }

    /// Moves a pane's view or selection; never past either end.
    public mutating func move(in pane: Pane, _ direction: Direction, by step: Step) {
        dirty = true
        // A page: the pane's rows less its rule and one row kept in sight (10 before any draw).
        let page = max(1, (panesOnScreen[pane] ?? 10) - 2)
        let amount = step == .one ? 1 : step == .page ? page : Int.max / 4
        let sign = direction == .earlier ? 1 : -1
        switch pane {
        case .conversation:
            scroll = max(0, min(conversationScrollLimit ?? Int.max / 4, scroll + sign * amount))
        case .ladder:
            let rows = selectedLadder?.rows().count ?? 0
            ladderBack = max(0, min(max(0, rows - 1), ladderBack + sign * amount))
        case .log:
            moveLogSelection(by: sign * amount)
        case .table:
            let rows = board.rows(now: board.sampledAt).count
            tableCursor = max(0, min(max(0, rows - 1), tableCursor - sign * amount))
        }
    }

    /// The transitions the log shows: ours (all with /all), narrowed by /filter.
    public var shownLog: [TransitionLog.Item] {
        let items = log.shown(all: board.showAll)
        guard !board.filter.isEmpty else { return items }
        return items.filter { item in
            let entry = item.transition.entry
            return board.filter.matches(entry, owner: entry.inode == 0 ? nil : board.owners[entry.inode])
        }
    }

    /// The index in `shown` of the selected transition (the newest when following).
    public func logSelectionIndex(in shown: [TransitionLog.Item]) -> Int? {
        guard !shown.isEmpty else { return nil }
        guard let logSelected else { return shown.count - 1 }
        // Numbers grow with the index: the last item at or before the selected number.
        var low = 0, high = shown.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if shown[middle].number <= logSelected { low = middle } else { high = middle - 1 }
        }
        return low
    }

    mutating func moveLogSelection(by back: Int) {
        let shown = shownLog
        guard let index = logSelectionIndex(in: shown) else { return }
        let target = max(0, min(shown.count - 1, index - back))
        logSelected = target == shown.count - 1 ? nil : shown[target].number
    }

    /// Whether the log is drawn one line per transition.
    public var logIsCompact: Bool { logCompact || focus == .log }
}
