import SockscopeCore
import Testing
import TestSupport

/// Focus and scrolling in the screen's model, driven by keys and a manual clock: Tab moves the
/// focus among the panes on screen; there the arrows select, the page keys page, Home and End go
/// to either end, and nothing scrolls past an end.
@Suite struct ScreenFocusTests {
    static func entry(_ local: UInt16, _ state: TCPState) -> SocketEntry {
        SocketEntry(proto: .tcp, local: SocketEndpoint(address: IPAddress(ipv4: 0x7F00_0001), port: local),
                    remote: SocketEndpoint(address: IPAddress(ipv4: 0x7F00_0001), port: 8080), stateCode: state.rawValue)
    }

    /// A dialed connection whose log holds 21 transitions of ours: CLOSE → SYN_SENT first.
    static func busySession(clock: ManualClock) -> ScreenModel {
        var model = ScreenModel(header: .init(mode: "dial tcp"))
        let ours = ConnectionKey(entry(40000, .established))
        model.apply(.connecting(connection: 1, peer: "127.0.0.1:8080", key: ours), at: clock.now)
        model.log.append(Transition(time: clock.advance(0.001), entry: entry(40000, .synSent), from: .tcp(.close), to: .tcp(.synSent), duration: nil,
                                    source: .tracefs), connection: 1)
        model.apply(.opened(connection: 1, peer: "127.0.0.1:8080", key: ours, how: .dialed), at: clock.advance(0.001))
        let states: [TCPState] = [.established, .finWait1, .finWait2, .timeWait]
        for index in 0..<20 {
            let from = states[index % 4], to = states[(index + 1) % 4]
            model.log.append(Transition(time: clock.advance(1), entry: entry(40000, to), from: .tcp(from), to: .tcp(to), duration: nil,
                                        source: .tracefs), connection: 1)
        }
        model.panesOnScreen = [.conversation: 6, .table: 5, .log: 6]
        return model
    }

    @Test func tabMovesTheFocusAmongThePanesOnScreenAndEscReturnsToTyping() {
        let clock = ManualClock()
        var model = Self.busySession(clock: clock)
        #expect(model.focus == .conversation)
        _ = model.handle(.tab, now: clock.now)
        #expect(model.focus == .table)
        _ = model.handle(.tab, now: clock.now)
        #expect(model.focus == .log)
        _ = model.handle(.tab, now: clock.now)
        #expect(model.focus == .conversation)
        _ = model.handle(.backTab, now: clock.now)
        #expect(model.focus == .log)
        _ = model.handle(.escape, now: clock.now)
        #expect(model.focus == .conversation)
        // The ladder joins the cycle only when it is on screen.
        model.panesOnScreen[.ladder] = 10
        _ = model.handle(.tab, now: clock.now)
        #expect(model.focus == .ladder)
        // Typing still goes to the input line wherever the focus is.
        _ = model.handle(.character("x"), now: clock.now)
        #expect(model.editor.text == "x")
    }

    /// The first transition of the connection (our dialer's CLOSE → SYN_SENT) is reachable after 20
    /// later ones: Home, or enough ↑ and PgUp; End follows the newest again.
    @Test func theFirstTransitionIsReachableAfterTwentyLaterOnes() throws {
        let clock = ManualClock()
        var model = Self.busySession(clock: clock)
        _ = model.handle(.backTab, now: clock.now)
        #expect(model.focus == .log)
        #expect(model.logIsCompact)
        let shown = model.shownLog
        #expect(model.logSelectionIndex(in: shown) == 20)
        _ = model.handle(.up, now: clock.now)
        #expect(model.logSelectionIndex(in: shown) == 19)
        _ = model.handle(.pageUp, now: clock.now)  // a page: the pane's 6 rows less its rule and one
        #expect(model.logSelectionIndex(in: shown) == 15)
        for _ in 0..<10 { _ = model.handle(.pageUp, now: clock.now) }
        let first = try #require(model.logSelectionIndex(in: shown))
        #expect(first == 0 && shown[first].transition.to == .tcp(.synSent))
        // A new transition does not move the selection.
        model.log.append(Transition(time: clock.advance(1), entry: Self.entry(40000, .close), from: .tcp(.timeWait),
                                    to: .tcp(.close), duration: nil, source: .tracefs), connection: 1)
        #expect(model.logSelectionIndex(in: model.shownLog) == 0)
        _ = model.handle(.end, now: clock.now)
        #expect(model.logSelected == nil && model.logSelectionIndex(in: model.shownLog) == 21)
        _ = model.handle(.home, now: clock.now)
        #expect(model.logSelectionIndex(in: model.shownLog) == 0)
        _ = model.handle(.down, now: clock.now)
        #expect(model.logSelectionIndex(in: model.shownLog) == 1)
        // Back to typing: the arrows edit again, and the log keeps its place.
        _ = model.handle(.escape, now: clock.now)
        _ = model.handle(.up, now: clock.now)
        #expect(model.logSelectionIndex(in: model.shownLog) == 1)
        #expect(!model.logIsCompact)
        _ = model.run(.compact, now: clock.now)
        #expect(model.logIsCompact)
    }

    /// /filter narrows the log as it narrows the table, and does not turn on every socket.
    @Test func theFilterNarrowsTheLogToo() {
        let clock = ManualClock()
        var model = Self.busySession(clock: clock)
        _ = model.run(.filter("fin_wait2"), now: clock.now)
        #expect(!model.board.showAll)
        #expect(model.shownLog.count == 5)
        #expect(model.shownLog.allSatisfy { $0.transition.entry.state == .tcp(.finWait2) })
        _ = model.run(.filter(""), now: clock.now)
        #expect(model.shownLog.count == 21)
    }

    /// The conversation's PgUp stops at the oldest row the view reported; PgDn at the newest.
    @Test func theConversationNeverScrollsIntoBlankSpace() {
        var model = ScreenModel(header: .init(mode: "dial tcp"))
        model.addSession(.init(id: 1, peer: "127.0.0.1:8080"), at: 0)
        model.conversationScrollLimit = 3
        _ = model.handle(.pageUp, now: 1)
        #expect(model.scroll == 3)
        _ = model.handle(.pageDown, now: 1)
        #expect(model.scroll == 0)
        _ = model.handle(.pageDown, now: 1)
        #expect(model.scroll == 0)
    }

    /// In the table the arrows move a cursor, which stays on the rows there are.
    @Test func theTableCursorStaysOnItsRows() {
        var model = ScreenModel(header: .init(mode: "watch"), watchOnly: true)
        _ = model.board.update((0..<30).map { Self.entry(UInt16(1000 + $0), .established) }, at: 0)
        model.panesOnScreen = [.table: 12, .log: 6]
        _ = model.handle(.tab, now: 1)
        #expect(model.focus == .table)
        _ = model.handle(.down, now: 1)
        _ = model.handle(.pageDown, now: 1)
        #expect(model.tableCursor == 11)
        _ = model.handle(.end, now: 1)
        #expect(model.tableCursor == 29)
        _ = model.handle(.pageDown, now: 1)
        #expect(model.tableCursor == 29)
        _ = model.handle(.home, now: 1)
        _ = model.handle(.up, now: 1)
        #expect(model.tableCursor == 0)
    }
}
