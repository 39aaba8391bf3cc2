import SockscopeCore

/// A lesson's ladder as plain lines, drawn as the lesson screen draws it (into a `CellGrid`), for
/// a handout in Markdown: the heads, then a row per segment, state and call, dropped segments
/// stopped at ✗.
public enum LadderText {
    public static func lines(_ model: LessonScreenModel, ladder index: Int, width: Int = 100) -> [String] {
        guard model.ladders.indices.contains(index) else { return [] }
        let ladder = model.ladders[index]
        let rows = LessonView.rows(of: ladder)
        let grid = CellGrid(rows: rows.count + 4, columns: max(60, width))
        var view = LadderView(formatTime: { _ in "" })
        view.dropped = { model.dropped.contains($0) }
        view.heads = { model.heads(of: $0) }
        view.drawLadder(ladder, rows: rows, back: 0, focused: false, detail: "", hint: "",
                        in: ScreenLayout.Region(top: 0, height: rows.count + 3), on: grid)
        // The rule and the detail line are the screen's; the heads and rows are the ladder.
        let all = grid.text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            String(line.reversed().drop { $0 == " " }.reversed())
        }
        return Array(all.dropFirst().prefix(rows.count + 1))
    }
}
