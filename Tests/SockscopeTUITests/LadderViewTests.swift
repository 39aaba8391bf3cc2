import SockscopeCore
@testable import SockscopeTUI
import Testing
import TestSupport

/// The ladder drawn from a made-up connection, at the three sizes; its selection and detail line;
/// its SVG.
@Suite struct LadderViewTests {
    @Test(arguments: [(80, 24), (120, 40), (60, 20)])
    func aWholeSession(columns: Int, rows: Int) {
        var model = LadderScenario.model()
        model.autoLadder = rows >= ScreenModel.tallEnough
        // From the start: the handshake and the first data on screen.
        model.ladderBack = LadderScenario.ladder().rows().count
        let grid = Scenario.render(model, columns: columns, rows: rows)
        assertSnapshot(grid.text, named: "ladder-\(columns)x\(rows).txt")
        #expect(grid.text.contains("SYN_SENT") && grid.text.contains("S SYN seq 0"))
        #expect(grid.text.split(separator: "\n").allSatisfy { DisplayWidth.of(String($0)) <= columns })
    }

    /// Under a locale that is not UTF-8 the ladder keeps its rails and arrows in ASCII, one
    /// column for one, so that both ends' states stay over their rails.
    @Test func anASCIILocaleKeepsTheLaddersShape() {
        var model = LadderScenario.model()
        model.autoLadder = true
        model.ladderBack = LadderScenario.ladder().rows().count
        let grid = CellGrid(rows: 40, columns: 120, asciiOnly: true)
        ScreenView(formatTime: Scenario.time).draw(model, now: 4, on: grid)
        assertSnapshot(grid.text, named: "ladder-ascii-120x40.txt")
        #expect(grid.text.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(grid.text.contains("SYN_SENT") && grid.text.contains("S SYN seq 0"))
        // The unicode drawing, folded, has the same shape: every row as wide as before.
        let unicode = Scenario.render(model, columns: 120, rows: 40).text.split(separator: "\n", omittingEmptySubsequences: false)
        let ascii = grid.text.split(separator: "\n", omittingEmptySubsequences: false)
        let rails = zip(unicode, ascii).filter { $0.0.contains("│") }
        #expect(!rails.isEmpty && rails.allSatisfy { $0.0.count == $0.1.count })
    }

    @Test func theCloseStaysInViewAndBulkDataFolds() {
        var model = LadderScenario.model()
        model.ladderBack = 0
        let text = Scenario.render(model, columns: 80, rows: 24).text
        #expect(text.contains("FIN_WAIT2") && text.contains("TIME_WAIT") && text.contains("LAST_ACK"))
        let rows = LadderScenario.ladder().rows()
        let group = rows.compactMap { if case .group(let text) = $0.middle { text } else { nil } }
        #expect(group == ["… 26 segments: 18 with data (1.2 MB ←), 8 ACKs"])
        // The arrow of our FIN is right after shutdown(), which sent it.
        let shutdown = rows.firstIndex { $0.middle == .action(side: .left, text: "shutdown()") }
        #expect(shutdown.map { rows[$0 + 1].arrow?.segment.tcp?.flags.contains(.fin) } == true)
        // connect() before the SYN.
        #expect(rows.first?.middle == .action(side: .left, text: "connect()"))
    }

    @Test func selectionMovesAndTheDetailSaysItAll() throws {
        var model = LadderScenario.model()
        let rows = LadderScenario.ladder().rows()
        let synIndex = try #require(rows.firstIndex { $0.arrow?.segment.tcp?.flags == .syn })
        for _ in 0..<(rows.count - 1 - synIndex) { _ = model.handle(.control("p"), now: 20) }
        let grid = Scenario.render(model, columns: 160, rows: 50)
        let detail = "127.0.0.1:40000 → 127.0.0.1:8080 [S] SYN seq 0 ack 0 len 0 win 65495 <mss 65495,sackOK,wscale 7> · seq 1000 ack 0 on the wire"
        #expect(grid.text.contains(detail))
        let synRow = try #require(grid.text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("─S SYN seq 0") })
        #expect(grid.style(ofText: "S SYN seq 0", row: synRow) == .selected)
        _ = model.handle(.control("n"), now: 20)
        #expect(Scenario.render(model, columns: 160, rows: 50).text.contains("→ 127.0.0.1:40000 [S.] SYN ACK seq 0 ack 1"))
        // The retransmission is marked on its arrow, in the warning style.
        let text = grid.text.split(separator: "\n", omittingEmptySubsequences: false)
        let retransmission = try #require(text.firstIndex { $0.contains("⟲ retransmission P. PSH ACK seq 1") })
        #expect(grid.style(ofText: "⟲ retransmission", row: retransmission) == .warning)
    }

    @Test func toggledAndSaidWhenUnavailable() {
        var model = LadderScenario.model()
        _ = model.handle(.function(9), now: 1)
        #expect(!model.ladderOnScreen)
        #expect(!Scenario.render(model, columns: 80, rows: 24).text.contains("── Ladder"))
        _ = model.run(.ladder, now: 1)
        #expect(model.ladderOnScreen)
        var plain = Scenario.connection()
        plain.ladderUnavailable = "segments need root"
        _ = plain.run(.ladder, now: 1)
        #expect(plain.statusText(now: 1) == "no ladder: segments need root")
        #expect(!plain.ladderOnScreen)
    }

    /// Well-formed XML (python's parser reads it) with one arrow per segment shown, the states on
    /// both columns.
    @Test(.enabled(if: Paths.which("python3"), "skipped: needs python3"))
    func svg() throws {
        let ladder = LadderScenario.ladder()
        let svg = LadderSVG.render(ladder)
        let scratch = Paths.temporaryDirectory()
        defer { Paths.removeTree(scratch) }
        writeFile(scratch + "/ladder.svg", Array(svg.utf8))
        let count = try Child.run(["python3", "-c", """
            import sys, xml.etree.ElementTree as ET
            root = ET.parse(sys.argv[1]).getroot()
            print(sum(1 for e in root.iter('{http://www.w3.org/2000/svg}line') if e.get('class') == 'segment'))
            """, scratch + "/ladder.svg"])
        #expect(count.code == 0, "\(count.child.stderrText)")
        let arrows = ladder.rows().filter { $0.arrow != nil }.count
        #expect(count.child.stdoutText == "\(arrows)\n" && arrows > 10)
        #expect(svg.contains(">SYN_SENT<") && svg.contains(">LAST_ACK<") && svg.contains("&lt;mss 65495"))
    }
}
