import SockscopeCore
@testable import SockscopeTUI
import Testing
import TestSupport

/// /diagram: RFC 9293's diagram over the screen with the selected socket's state lit, live, and
/// its other end's too; the keys still act beneath it.
@Suite struct StateDiagramTests {
    /// Every kernel state has its box in the drawing, and the drawing fits an 80-column box.
    @Test func everyKernelStateHasItsBox() {
        for state in TCPState.allCases {
            let box = StateDiagram.box(named: StateDiagram.box(for: state))
            #expect(box != nil, "no box for \(state.name)")
        }
        #expect(StateDiagram.lines.allSatisfy { DisplayWidth.of($0) <= 76 })
        #expect(StateDiagram.lines.count <= 24 - 2 - 3)
        // The top CLOSED is the box; the arrows' "─► CLOSED" are not.
        #expect(StateDiagram.box(named: "CLOSED")?.row == 1)
    }

    /// After /shutdown ours is in FIN_WAIT2 and its other end in CLOSE_WAIT: those two boxes are
    /// lit, each in its row's colour, with the kernel's and the RFC's names said below.
    @Test(arguments: [(80, 24), (120, 40)])
    func bothEndsAreLitInTheirBoxes(columns: Int, rows: Int) throws {
        var model = Scenario.connection()
        _ = model.handle(.control("t"), now: 4)
        #expect(model.diagramShown)
        let grid = Scenario.render(model, columns: columns, rows: rows, now: 4)
        assertSnapshot(grid.text, named: "diagram-\(columns)x\(rows).txt")
        let lines = grid.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let ours = try #require(lines.firstIndex { $0.contains("│ FIN-WAIT-2 ├") })
        #expect(grid.style(ofText: "FIN-WAIT-2", row: ours) == .selected)
        let peer = try #require(lines.firstIndex { $0.contains("│ CLOSE-WAIT │") })
        #expect(grid.style(ofText: "CLOSE-WAIT", row: peer) == .localPeer)
        let established = try #require(lines.firstIndex { $0.contains("│ ESTABLISHED │") })
        #expect(grid.style(ofText: "ESTABLISHED", row: established) == .dim)
        #expect(grid.text.contains("▶ ours #1: FIN_WAIT2 (RFC FIN-WAIT-2) for 899ms, from FIN-WAIT-1"))
        #expect(grid.text.contains("↳ its other end: CLOSE_WAIT (RFC CLOSE-WAIT) for 899ms"))
        // The input line stays in sight below it.
        #expect(lines[rows - 2].hasPrefix("> "))
    }

    /// Keys act beneath: the table's cursor picks the socket the diagram lights; Esc closes the
    /// diagram before it gives the focus back; Ctrl-T and /diagram toggle it.
    @Test func theTableCursorPicksTheSocketAndEscCloses() throws {
        var model = Scenario.connection()
        _ = model.run(.all, now: 4)
        _ = model.run(.diagram, now: 4)
        #expect(model.diagramSubject(now: 4)?.row.entry.state == .tcp(.finWait2))
        model.panesOnScreen = [.conversation: 8, .table: 8, .log: 4]
        for _ in 0..<3 where model.focus != .table { _ = model.handle(.tab, now: 4) }
        #expect(model.focus == .table)
        let rows = model.board.rows(now: 4)
        let listen = try #require(rows.firstIndex { $0.entry.state == .tcp(.listen) })
        for _ in 0..<listen { _ = model.handle(.down, now: 4) }
        let subject = try #require(model.diagramSubject(now: 4))
        #expect(subject.row.entry.state == .tcp(.listen) && subject.peer == nil)
        let grid = Scenario.render(model, columns: 80, rows: 24, now: 4)
        let lines = grid.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let box = try #require(lines.firstIndex { $0.contains("│ LISTEN ├") })
        #expect(grid.style(ofText: "LISTEN", row: box) == .selected)
        _ = model.handle(.escape, now: 4)
        #expect(!model.diagramShown && model.focus == .table)
        _ = model.handle(.escape, now: 4)
        #expect(model.focus == .conversation)
        #expect(EnteredLine("/diagram") == .command(.diagram))
    }

    /// Under an ASCII locale the drawing keeps its shape, one column for one.
    @Test func anASCIILocaleKeepsTheDrawingsShape() {
        var model = Scenario.connection()
        _ = model.run(.diagram, now: 4)
        let grid = CellGrid(rows: 24, columns: 80, asciiOnly: true)
        ScreenView(formatTime: Scenario.time).draw(model, now: 4, on: grid)
        #expect(grid.text.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(grid.text.contains("| ESTABLISHED |<--------------------+"))
        #expect(grid.text.contains("| FIN-WAIT-2 +---------->| TIME-WAIT +-> CLOSED"))
    }
}
