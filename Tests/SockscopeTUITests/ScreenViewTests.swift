import CCurses
import Glibc
import SockscopeCore
@testable import SockscopeTUI
import Testing
import TestSupport

/// The screen's views drawn into a CellGrid from scripted models, compared with snapshots at the
/// three sizes DESIGN.md names.
@Suite struct ScreenViewTests {
    @Test(arguments: [(80, 24), (120, 40), (60, 20)])
    func sessionAfterShutdown(columns: Int, rows: Int) {
        let grid = Scenario.render(Scenario.connection(), columns: columns, rows: rows)
        assertSnapshot(grid.text, named: "connection-\(columns)x\(rows).txt")
    }

    @Test func peerEscapesAreShownEscapedInTheirOwnStyle() throws {
        let grid = Scenario.render(Scenario.connection(), columns: 120, rows: 40)
        let row = try #require((0..<grid.rows).first { grid.text.split(separator: "\n", omittingEmptySubsequences: false)[$0].contains("[31mred") })
        #expect(grid.style(ofText: "\\x1b", row: row) == .escape)
        #expect(grid.style(ofText: "red", row: row) == .received)
        #expect(grid.style(ofText: "\\r", row: row) == .escape)
        // No cell holds a raw control character.
        #expect(!grid.cells.joined().contains { $0.text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } })
    }

    @Test func ownRowsArePinnedAndAChangedRowStandsOutThenFades() throws {
        let model = Scenario.connection()
        let lines = Scenario.render(model, columns: 120, rows: 40).text.split(separator: "\n", omittingEmptySubsequences: false)
        let header = try #require(lines.firstIndex { $0.contains("State") && $0.contains("Local") })
        #expect(lines[header + 1].contains("FIN_WAIT2") && lines[header + 1].contains("#1"))
        #expect(lines[header + 2].contains("CLOSE_WAIT") && lines[header + 2].contains("other end of #1"))
        let fresh = Scenario.render(model, columns: 120, rows: 40, now: 4.0)
        #expect(fresh.style(ofText: "FIN_WAIT2", row: header + 1) == .changed)
        let later = Scenario.render(model, columns: 120, rows: 40, now: 3.0 + StateBoard.highlightSeconds + 0.5)
        #expect(later.style(ofText: "FIN_WAIT2", row: header + 1) == .own)
        #expect(later.style(ofText: "CLOSE_WAIT", row: header + 2) == .localPeer)
    }

    @Test func systemSocketsWithAllAndAFilterInStableOrder() throws {
        var model = Scenario.connection()
        _ = model.run(.all, now: 4)
        var grid = Scenario.render(model, columns: 120, rows: 40, now: 10)
        assertSnapshot(grid.text, named: "connection-all-120x40.txt")
        #expect(grid.text.contains("sshd[412]"))
        _ = model.run(.filter("time_wait"), now: 4)
        grid = Scenario.render(model, columns: 120, rows: 40, now: 10)
        #expect(grid.text.contains("127.0.0.1:5432") && !grid.text.contains("10.0.2.15:22"))
        // The TIME_WAIT countdown: 31.2 s at the sample (t=3.1), 6.9 s later.
        #expect(grid.text.contains("timewait 24.3s"))
    }

    /// A process name with a newline and an escape sequence stays on its row, escaped.
    @Test func processNamesWithControlCharactersStayOnTheirRow() throws {
        var model = Scenario.connection()
        model.board.owners[7] = .init(pid: 412, command: "evil\nname\u{1b}[2J")
        _ = model.run(.all, now: 4)
        let grid = Scenario.render(model, columns: 120, rows: 40, now: 10)
        let row = try #require(grid.text.split(separator: "\n").first { $0.contains("evil") })
        #expect(row.contains("evil\\nname\\x1b[2J[412]"))
        #expect(!grid.text.unicodeScalars.contains { $0.value == 0x1B })
        #expect(grid.text.split(separator: "\n", omittingEmptySubsequences: false).count == 40 + 1)
    }

    /// The header is one row: the ends, then whether the connection is open, transitions the
    /// trace buffer lost, and the sources in brief; a narrow screen drops the sources first.
    @Test func theHeaderSaysTheConnectionLossAndSourcesInOneRow() {
        var model = Scenario.connection()
        model.header.lostTransitions = 1234
        model.header.brief = "tables every 0.5 s · sudo: full view"
        var line = Scenario.render(model, columns: 160, rows: 24, now: 10).text.split(separator: "\n")[0]
        #expect(line.hasPrefix("sockscope · dial tcp · 127.0.0.1:40000 ⇄ 127.0.0.1:8080 "))
        #expect(line.hasSuffix("· FIN sent · ⚠ 1234 transitions lost · tables every 0.5 s · sudo: full view"))
        let grid = Scenario.render(model, columns: 100, rows: 24, now: 10)
        line = grid.text.split(separator: "\n")[0]
        #expect(line.hasSuffix("· FIN sent · ⚠ 1234 transitions lost") && !line.contains("sudo"))
        #expect(grid.style(ofText: "1234 transitions lost", row: 0) == .warning)
        model.header.lostFrames = 56
        line = Scenario.render(model, columns: 160, rows: 24, now: 10).text.split(separator: "\n")[0]
        #expect(line.hasSuffix("· FIN sent · ⚠ 1234 transitions lost · ⚠ 56 frames lost · tables every 0.5 s · sudo: full view"))
        model.header.lostFrames = 0
        model.apply(.closed(connection: 1, ending: .resetByPeer), at: 5)
        line = Scenario.render(model, columns: 80, rows: 24, now: 10).text.split(separator: "\n")[0]
        #expect(line.contains("· ended: reset by peer"))
    }

    /// At 80×24 the header keeps the addresses and their ports whole (the README's first command
    /// prints the port it chose there): the words around them go first.
    @Test(arguments: [("listen tcp", "127.0.0.1:43741", "waiting for a client"), ("dial tcp", "127.0.0.1:51234", "127.0.0.1:8080"),
                      ("listen tcp -k", "127.0.0.1:43741", "3 clients")])
    func theHeaderKeepsThePortsAt80Columns(mode: String, local: String, peer: String) {
        var model = Scenario.connection()
        model.header.mode = mode
        model.header.local = local
        model.header.peer = peer
        model.header.brief = "every transition + segments (eBPF)"
        model.header.lostTransitions = 12
        let line = Scenario.render(model, columns: 80, rows: 24, now: 10).text.split(separator: "\n")[0]
        // An address whole; words in its place (`waiting for a client`) may be cut, never the ports.
        #expect(line.contains("\(local) ⇄ \(peer.contains(":") ? peer : String(peer.prefix(3)))"), "\(line)")
        #expect(line.contains("⚠ 12 transitions lost"), "\(line)")
    }

    /// The help overlay comes from the key table alone: every binding's label is in it, and
    /// every command's usage.
    @Test func helpNamesEveryBindingAndCommand() {
        let help = HelpOverlay().lines(width: 74).joined(separator: "\n")
        for binding in KeyBindings.table { #expect(help.contains(binding.label), "\(binding.key.label): \(binding.label)") }
        for group in KeyBindings.editing { #expect(help.contains("\(group.keys) \(group.label)")) }
        for command in ScreenCommand.descriptions { #expect(help.contains(command.usage)) }
    }

    @Test func watchScreenAndHelpOverlayAt80x24() {
        var model = ScreenModel(header: .init(mode: "watch", local: "every TCP and UDP socket",
                                               sources: "tracefs off (needs root): socket tables every 0.5 s miss brief states; + TCP_INFO"),
                                 watchOnly: true)
        _ = model.board.update(Scenario.others, at: 0)
        for transition in model.board.update(Scenario.others.dropLast() + [Scenario.entry("127.0.0.1:5555", "127.0.0.1:6666", .synSent)], at: 0.5) {
            model.log.append(transition, connection: nil)
        }
        assertSnapshot(Scenario.render(model, columns: 80, rows: 24, now: 1).text, named: "watch-80x24.txt")
        _ = model.run(.help, now: 1)
        assertSnapshot(Scenario.render(model, columns: 80, rows: 24, now: 1).text, named: "help-80x24.txt")
    }

    /// PgUp far past a short conversation shows it from its first line, not blank rows; the
    /// draw reports the limit so that one PgDn comes back.
    @Test func aShortConversationNeverScrollsIntoBlankSpace() throws {
        var model = Scenario.connection()
        model.scroll = 500
        let grid = CellGrid(rows: 40, columns: 120)
        let drawn = ScreenView(formatTime: Scenario.time).draw(model, now: 4, on: grid)
        let lines = grid.text.split(separator: "\n", omittingEmptySubsequences: false)
        let rule = try #require(lines.firstIndex { $0.hasPrefix("── Conversation") })
        #expect(lines[rule + 1].contains("connected: 127.0.0.1:8080"))
        #expect(drawn.conversationScrollLimit == 0)
    }

    /// A note wraps at a space (the issue on teaching: "until t|he peer answers"); a word longer
    /// than the row is still cut, and every word arrives.
    @Test func notesWrapAtSpaces() throws {
        var model = Scenario.connection()
        let words = "connecting to 127.0.0.1:8080: connect() sent a SYN; our dialer is in SYN_SENT until the peer answers, or ECONNREFUSED"
        model.note(words, connection: 1, at: 3.5)
        let grid = CellGrid(rows: 24, columns: 60)
        ScreenView(formatTime: Scenario.time).draw(model, now: 4, on: grid)
        let lines = grid.text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
        let start = try #require(lines.firstIndex { $0.contains("connecting to 127.0.0.1:8080") })
        let shown = lines[start...].prefix { !$0.hasPrefix("──") }.map { $0.trimmingSuffix() }
        let joined = shown.map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }.joined(separator: " ")
        // Rejoined at the row ends, the words are whole: none was cut ("pe" / "er answers").
        #expect(joined.hasSuffix(words), "\(shown)")
        #expect(shown.count >= 3)
    }

    /// With the focus on the log, it is compact: one line per transition, the selected one
    /// highlighted and explained below; scrolled back to the connection's first.
    @Test(arguments: [(80, 24), (120, 40), (60, 20)])
    func theFocusedLogIsCompactWithTheSelectedOneExplained(columns: Int, rows: Int) throws {
        var model = Scenario.connection()
        let drawn = ScreenView(formatTime: Scenario.time).draw(model, now: 4, on: CellGrid(rows: rows, columns: columns))
        model.panesOnScreen = drawn.panes
        _ = model.handle(.backTab, now: 4)
        _ = model.handle(.home, now: 4)
        let grid = Scenario.render(model, columns: columns, rows: rows)
        assertSnapshot(grid.text, named: "log-focused-\(columns)x\(rows).txt")
        let lines = grid.text.split(separator: "\n", omittingEmptySubsequences: false)
        let selected = try #require(lines.firstIndex { $0.contains("CLOSE → ESTABLISHED") })
        #expect(grid.style(ofText: "CLOSE → ESTABLISHED", row: selected) == .selected)
        #expect(lines.contains { $0.hasPrefix("  appeared in ESTABLISHED") })
    }

    /// The footer shows the keys that apply: watch has no connection keys, UDP no FIN or RST; a
    /// narrow screen keeps Help and Quit; the other ways out are named when there is room.
    @Test func theFooterShowsTheKeysThatApply() {
        func footer(_ model: ScreenModel, columns: Int) -> String {
            String(Scenario.render(model, columns: columns, rows: 24).text.split(separator: "\n").last ?? "")
        }
        let watch = ScreenModel(header: .init(mode: "watch"), watchOnly: true)
        #expect(footer(watch, columns: 100) == "F1Help F3All F4Pause F10Quit /quit or Ctrl-C leaves")
        var udp = ScreenModel(header: .init(mode: "dial udp"), datagram: true)
        udp.addSession(.init(id: 1, peer: "127.0.0.1:53"), at: 0)
        #expect(footer(udp, columns: 100).hasPrefix("F1Help F2Hex F3All F4Pause F6Close F10Quit"))
        let connection = Scenario.connection()
        #expect(footer(connection, columns: 120) == "F1Help F2Hex F3All F4Pause F5FIN F6Close F7RST F9Ladder F10Quit F12Hold /quit or Ctrl-C leaves")
        let narrow = footer(connection, columns: 60)
        #expect(narrow.hasPrefix("F1Help") && narrow.contains("F10Quit"), "\(narrow)")
        // The keys that do not apply still answer, with the reason.
        _ = udp.handle(.function(7), now: 1)
        #expect(udp.statusText(now: 1)?.hasPrefix("UDP has no RST") == true)
    }

    /// /help explains the table's marks.
    @Test func helpExplainsTheTableMarks() {
        let help = HelpOverlay().lines(width: 74).joined(separator: "\n")
        for mark in ["▶", "↳", "#1", "q 0/128", "on 3.1s", "persist", "timewait"] { #expect(help.contains(mark), "\(mark)") }
        // At 80×24 the help is longer than the screen: it scrolls to its end, then any other key closes it.
        var model = Scenario.connection()
        _ = model.run(.help, now: 4)
        #expect(!Scenario.render(model, columns: 80, rows: 24).text.contains("zero-window probe"))
        for _ in 0..<5 { _ = model.handle(.pageDown, now: 4) }
        #expect(Scenario.render(model, columns: 80, rows: 24).text.contains("zero-window probe"))
        _ = model.handle(.character("q"), now: 4)
        #expect(!model.helpShown && model.editor.text == "typed, not sent")
    }

    /// Under a locale that is not UTF-8 every cell is ASCII: rules, arrows, marks, µs, the peer's
    /// wide characters (escaped as code points), the help's box.
    @Test func anASCIILocaleGetsASCIIOnly() throws {
        var model = Scenario.connection()
        let grid = CellGrid(rows: 24, columns: 80, asciiOnly: true)
        ScreenView(formatTime: Scenario.time).draw(model, now: 4, on: grid)
        assertSnapshot(grid.text, named: "connection-ascii-80x24.txt")
        #expect(grid.text.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(grid.text.contains("\\u{65e5}\\u{672c}\\u{8a9e}"))
        #expect(grid.text.contains("ESTABLISHED -> FIN_WAIT1") && grid.text.contains("after 51us"))
        _ = model.run(.help, now: 4)
        ScreenView(formatTime: Scenario.time).draw(model, now: 4, on: grid)
        #expect(grid.text.unicodeScalars.allSatisfy { $0.isASCII })
    }

    /// The table as ss -tanpi: Proto, State, Recv-Q, Send-Q, the ends, a labelled timer, time in
    /// state, the process; counts by state in its title; a field that changed stands out for a
    /// moment (as watch -d), alone; a persist timer marked as the peer's zero window; sortable.
    @Test func theTableIsAsGoodAsSS() throws {
        var model = Scenario.connection()
        _ = model.run(.all, now: 4)
        var sample = Scenario.others + [Scenario.entry("127.0.0.1:8080", "0.0.0.0:0", .listen),
                                        Scenario.entry("127.0.0.1:40000", "127.0.0.1:8080", .finWait2),
                                        Scenario.entry("127.0.0.1:8080", "127.0.0.1:40000", .closeWait)]
        sample[1].recvQueue = 512
        sample[1].timer = .zeroWindowProbe
        sample[1].timerTicks = 120
        _ = model.board.update(sample, at: 9.5)
        let grid = Scenario.render(model, columns: 120, rows: 40, now: 10)
        let lines = grid.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let heading = try #require(lines.firstIndex { $0.contains("Recv-Q") })
        #expect(lines[heading].hasPrefix("  Proto State       Recv-Q Send-Q Local"), "\(lines[heading])")
        #expect(lines[heading].contains("Timer") && lines[heading].contains("Age") && lines[heading].contains("Process"))
        #expect(lines[heading - 1].contains("LISTEN 2") && lines[heading - 1].contains("TIME_WAIT 1"))
        let busy = try #require(lines.firstIndex { $0.contains("10.0.2.15:22") })
        #expect(grid.style(ofText: "512", row: busy) == .changed)
        #expect(grid.style(ofText: "ESTABLISHED", row: busy) == .normal)
        // The persist timer counts down from the reading (1.2 s at 9.5).
        #expect(lines[busy].contains("persist 700ms") && lines[busy].contains("sshd[977]") && lines[busy].contains("≥10.0s"), "\(lines[busy])")
        let wide = Scenario.render(model, columns: 160, rows: 40, now: 10).text
        #expect(wide.split(separator: "\n").contains { $0.contains("10.0.2.15:22") && $0.contains("zero window (peer's): probing") })
        let later = Scenario.render(model, columns: 120, rows: 40, now: 9.5 + StateBoard.highlightSeconds + 0.1)
        #expect(later.style(ofText: "512", row: busy) == .normal)
        // Sorted by Recv-Q: the busy socket first after ours, the heading marked.
        _ = model.run(.sort("recv-q"), now: 10)
        let sorted = Scenario.render(model, columns: 120, rows: 40, now: 10).text.split(separator: "\n").map(String.init)
        let top = try #require(sorted.firstIndex { $0.contains("Recv-Q▼") })
        #expect(sorted[top + 3].contains("10.0.2.15:22"), "\(sorted[top + 3])")
        _ = model.run(.sort("bogus"), now: 10)
        #expect(model.statusText(now: 10)?.hasPrefix("sort: no column 'bogus'") == true)
    }

    /// TCP_INFO for every row shown, as `ss -i` (INET_DIAG_INFO), not only ours: the peer's
    /// window (marked when closed), bytes acked; none for a listener; a reading keeps only
    /// the rows the last draw showed, ours and their other ends.
    @Test func everyShownRowHasItsTCPInfo() throws {
        var model = Scenario.connection()
        _ = model.run(.all, now: 4)
        let key = { (local: String, remote: String) in
            ConnectionKey(proto: .tcp, local: Scenario.endpoint(local), remote: Scenario.endpoint(remote))
        }
        let busy = key("10.0.2.15:22", "10.0.2.2:51234"), listener = key("0.0.0.0:22", "0.0.0.0:0")
        model.board.setSampledInfos([
            busy: TCPInfo(state: .established, rttMicros: 2100, congestionWindow: 16, totalRetransmits: 2, bytesAcked: 123_456, sendWindow: 0),
            listener: TCPInfo(state: .listen, congestionWindow: 10, sendWindow: 0),
        ])
        let grid = CellGrid(rows: 40, columns: 200)
        let drawn = ScreenView(formatTime: Scenario.time).draw(model, now: 4, on: grid)
        let lines = grid.text.split(separator: "\n").map(String.init)
        let row = try #require(lines.first { $0.contains("10.0.2.15:22") })
        #expect(row.contains("rtt 2.1ms cwnd 16 wnd 0 (peer's window closed) rtx 2 acked 120K"), "\(row)")
        let listening = try #require(lines.first { $0.contains("0.0.0.0:22") })
        #expect(!listening.contains("rtt") && !listening.contains("wnd"), "\(listening)")
        // What the next reading keeps: the rows drawn, ours, the other end of ours.
        model.board.shownKeys = drawn.tableKeys
        #expect(model.board.wantsInfo(busy) && model.board.wantsInfo(Scenario.ours))
        #expect(model.board.wantsInfo(key("127.0.0.1:8080", "127.0.0.1:40000")))
        #expect(!model.board.wantsInfo(key("10.9.9.9:1", "10.9.9.8:2")))
        // Paused, the table and its TCP_INFO stand still.
        _ = model.run(.pause, now: 4)
        model.board.setSampledInfos([:])
        #expect(Scenario.render(model, columns: 200, rows: 40).text.contains("acked 120K"))
    }

    @Test func tooSmallSaysSoPlainly() {
        let text = Scenario.render(Scenario.connection(), columns: 30, rows: 10).text
        #expect(text.contains("Terminal too small: 30×10."))
        #expect(text.contains("needs at least 40×12"))
    }

    @Test func hexViewShowsEveryByteOfTheLine() {
        var model = Scenario.connection()
        _ = model.run(.hex, now: 4)
        let text = Scenario.render(model, columns: 120, rows: 90).text
        #expect(text.contains("1b 5b 33 31 6d 72 65 64  1b 5b 30 6d"))
        #expect(text.contains("0d 0a"))
    }

    /// The pure width table agrees with the C library's wcwidth under a UTF-8 locale.
    @Test func displayWidthsMatchWcwidth() throws {
        guard setlocale(LC_CTYPE, "C.UTF-8") != nil else { return }
        let samples: [Unicode.Scalar] = ["a", "é", "\u{301}", "日", "語", "한", "Ｆ", "😀", "🚀", "─", "→", "\u{200B}", "ä", "ß", "€"]
        for scalar in samples {
            #expect(DisplayWidth.of(scalar) == Int(ccurses_wcwidth(scalar.value)), "width of U+\(String(scalar.value, radix: 16))")
        }
    }
}

extension String {
    /// Without the blanks a grid row ends with.
    func trimmingSuffix() -> String { String(reversed().drop { $0 == " " }.reversed()) }
}
