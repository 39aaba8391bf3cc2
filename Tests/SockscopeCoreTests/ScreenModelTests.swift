import SockscopeCore
import Testing

/// The screen's model driven by scripted keys and a manual clock: what each key does, what the
/// loop is asked to do, and the bounded, escaped data behind the views.
@Suite struct ScreenModelTests {
    func connection(crlf: Bool = false) -> ScreenModel {
        var model = ScreenModel(header: .init(mode: "dial tcp"), crlf: crlf)
        model.addSession(.init(id: 1, peer: "127.0.0.1:8080"), at: 0)
        return model
    }

    func type(_ text: String, into model: inout ScreenModel, now: Double = 1) -> [Reaction] {
        var reactions: [Reaction] = []
        for character in text { reactions += model.handle(.character(character), now: now) }
        return reactions
    }

    @Test func enterSendsTheEditedLineWithANewline() {
        var model = connection()
        _ = type("hellp", into: &model)
        _ = model.handle(.backspace, now: 1)
        _ = type("o", into: &model)
        #expect(model.handle(.enter, now: 1) == [.send(connection: 1, bytes: Array("hello\n".utf8))])
        #expect(model.editor.text.isEmpty)
        var crlf = connection(crlf: true)
        _ = type("GET / HTTP/1.0", into: &crlf)
        #expect(crlf.handle(.enter, now: 1) == [.send(connection: 1, bytes: Array("GET / HTTP/1.0\r\n".utf8))])
    }

    @Test func commandsBecomeReactionsAndDoubleSlashSendsASlash() {
        var model = connection()
        _ = type("/shutdown", into: &model)
        #expect(model.handle(.enter, now: 1) == [.shutdown(connection: 1)])
        _ = type("//etc/passwd", into: &model)
        #expect(model.handle(.enter, now: 1) == [.send(connection: 1, bytes: Array("/etc/passwd\n".utf8))])
        #expect(model.handle(.function(7), now: 1) == [.reset(connection: 1)])
        #expect(model.handle(.function(6), now: 1) == [.close(connection: 1)])
        #expect(model.handle(.function(10), now: 1) == [.quit])
        _ = type("/quit", into: &model)
        #expect(model.handle(.enter, now: 1) == [.quit])
        _ = type("/broadcast hi all", into: &model)
        #expect(model.handle(.enter, now: 1) == [.send(connection: nil, bytes: Array("hi all\n".utf8))])
    }

    @Test func unknownCommandsAndImpossibleSendsSayWhyForAWhile() {
        var model = connection()
        _ = type("/frobnicate", into: &model)
        #expect(model.handle(.enter, now: 10) == [.redraw])
        #expect(model.statusText(now: 11)?.contains("unknown command /frobnicate") == true)
        #expect(model.statusText(now: 17) == nil)
        model.updateSession(1) { $0.canSend = false }
        _ = type("more", into: &model)
        #expect(model.handle(.enter, now: 20) == [.redraw])
        #expect(model.statusText(now: 20)?.contains("FIN sent") == true)
        var watch = ScreenModel(header: .init(mode: "watch"), watchOnly: true)
        _ = type("hello", into: &watch)
        #expect(watch.handle(.enter, now: 1) == [.redraw])
        #expect(watch.statusText(now: 1)?.contains("watch has no connection") == true)
        #expect(EnteredLine("/hex now") == .invalid("/hex takes no argument"))
    }

    @Test func togglesFilterPauseHelpAndEndOfInput() {
        var model = connection()
        _ = model.handle(.function(2), now: 1)
        #expect(model.hex)
        _ = model.handle(.function(3), now: 1)
        #expect(model.board.showAll)
        _ = model.handle(.function(4), now: 1)
        #expect(model.board.paused)
        _ = type("/filter :8080 time_wait", into: &model)
        _ = model.handle(.enter, now: 1)
        #expect(model.board.filter.states.port == 8080 && model.board.filter.states.states == [.tcp(.timeWait)])
        _ = type("/filter 99999", into: &model)
        _ = model.handle(.enter, now: 1)
        #expect(model.statusText(now: 1) == "filter: not a port: 99999 (0 to 65535)")
        _ = model.handle(.function(1), now: 1)
        #expect(model.helpShown)
        #expect(model.handle(.character("q"), now: 1) == [.redraw] && !model.helpShown && model.editor.text.isEmpty)
        #expect(model.handle(.control("d"), now: 1) == [.endOfInput(connection: 1)])
    }

    @Test func pageKeysScrollTheConversationByAPage() {
        var model = connection()
        // A page is the pane's rows less its rule and one row kept in sight.
        model.panesOnScreen = [.conversation: 11]
        _ = model.handle(.pageUp, now: 1)
        _ = model.handle(.pageUp, now: 1)
        #expect(model.scroll == 18)
        _ = model.handle(.pageDown, now: 1)
        #expect(model.scroll == 9)
        _ = model.handle(.pageDown, now: 1)
        _ = model.handle(.pageDown, now: 1)
        #expect(model.scroll == 0)
        // Sending a line returns to the bottom, where it appears.
        _ = model.handle(.pageUp, now: 1)
        _ = type("x", into: &model)
        _ = model.handle(.enter, now: 1)
        #expect(model.scroll == 0)
    }

    /// /hold and F12 stop reading the selected connection, /release and F12 again resume; each
    /// says what follows; UDP has no window to close.
    @Test func holdAndRelease() {
        var model = connection()
        #expect(model.handle(.function(12), now: 1) == [.hold(connection: 1, true), .refreshTable])
        #expect(model.connection(1)?.held == true && model.connectionStatus?.text == "open, held (F12 releases)")
        #expect(model.conversation.entries.last.map { String(decoding: $0.bytes, as: UTF8.self) }?.hasPrefix("held: we stop reading") == true)
        _ = type("/hold", into: &model)
        #expect(model.handle(.enter, now: 1) == [.redraw])
        #expect(model.statusText(now: 1) == "already held: /release reads again")
        _ = type("/release", into: &model)
        #expect(model.handle(.enter, now: 2) == [.hold(connection: 1, false), .refreshTable])
        #expect(model.handle(.function(12), now: 3) == [.hold(connection: 1, true), .refreshTable])
        var udp = ScreenModel(header: .init(mode: "dial udp"), datagram: true)
        udp.addSession(.init(id: 1, peer: "127.0.0.1:53"), at: 0)
        // A UDP dial is no connection: nothing was sent, connect() only fixed the peer.
        #expect(udp.conversation.entries.last.map { String(decoding: $0.bytes, as: UTF8.self) }?
            .hasPrefix("UDP peer set to 127.0.0.1:53: no handshake and nothing sent yet") == true)
        #expect(udp.connectionStatus?.text == "UDP: datagrams, no connection")
        #expect(udp.run(.hold, now: 1) == [.redraw])
        #expect(udp.statusText(now: 1)?.hasPrefix("UDP has no window") == true)
    }

    @Test func sessionsAreSelectedInTurn() {
        var model = ScreenModel(header: .init(mode: "listen tcp -k"), multiConnection: true)
        model.addSession(.init(id: 1, peer: "a"), at: 0)
        model.addSession(.init(id: 2, peer: "b"), at: 0)
        #expect(model.selected == 1)
        _ = model.handle(.function(8), now: 1)
        #expect(model.selected == 2)
        _ = model.run(.prev, now: 1)
        #expect(model.selected == 1)
        model.received([1, 2, 3], connection: 2, at: 1)
        #expect(model.connection(2)?.bytesIn == 3)
    }

    @Test func lineEditingAndHistory() {
        var editor = LineEditor()
        for character in "one two three" { editor.insert(character) }
        editor.deleteWordBackward()
        #expect(editor.text == "one two ")
        editor.moveHome()
        editor.deleteForward()
        editor.moveEnd()
        editor.moveLeft()
        editor.insert("X")
        #expect(editor.text == "ne twoX ")
        editor.deleteToStart()
        #expect(editor.text == " " && editor.cursor == 0)
        _ = editor.submit()
        for character in "second" { editor.insert(character) }
        _ = editor.submit()
        for character in "draft" { editor.insert(character) }
        editor.historyUp()
        #expect(editor.text == "second")
        editor.historyUp()
        #expect(editor.text == " ")
        editor.historyDown()
        editor.historyDown()
        #expect(editor.text == "draft")
    }

    @Test func peerBytesAreEscapedNeverPassedThrough() {
        let text = EscapedText([0x1B] + Array("[2J\tok\r".utf8) + [0xFF, 0xC3, 0xA9, 0xC2, 0x9B, 0x00, 0x7F])
        #expect(text.plain == "\\x1b[2J\\tok\\r\\xffé\\u{9b}\\0\\x7f")
        #expect(text.pieces.first == .escape("\\x1b"))
        // Overlong and surrogate encodings are invalid bytes, not text.
        #expect(EscapedText([0xC0, 0xAF, 0xED, 0xA0, 0x80]).plain == "\\xc0\\xaf\\xed\\xa0\\x80")
    }

    @Test func scrollbackIsBoundedDuringAFlood() {
        var conversation = Conversation(maxEntries: 100, maxLineBytes: 64)
        let chunk = [UInt8](repeating: 0x41, count: 4096) + [0x0A]
        for index in 0..<1000 { conversation.append(chunk, direction: .received, connection: 1, at: Double(index)) }
        #expect(conversation.entries.count <= 100 + 100 / 8)
        #expect(conversation.entries.allSatisfy { $0.bytes.count <= 64 })
        #expect(conversation.dropped > 60_000)
        // A line split across reads is one entry.
        var lines = Conversation()
        lines.append(Array("hel".utf8), direction: .received, connection: 1, at: 0)
        lines.append(Array("lo\nnext".utf8), direction: .received, connection: 1, at: 1)
        #expect(lines.entries.map { String(decoding: $0.shownBytes, as: UTF8.self) } == ["hello", "next"])
    }

    @Test func tableFilterWords() throws {
        let filter = try TableFilter("tcp listen 22")
        let listening = SocketEntry(proto: .tcp, local: .init(address: IPAddress(ipv4: 0), port: 22),
                                    remote: .init(address: IPAddress(ipv4: 0), port: 0), stateCode: TCPState.listen.rawValue)
        #expect(filter.matches(listening))
        #expect(try !TableFilter("udp").matches(listening))
        #expect(try TableFilter("0.0.0.0").matches(listening))
        #expect(throws: UsageError.self) { try TableFilter("4 6") }
    }

    /// ss's spellings, one end's port, a process by name; a word that means nothing says so.
    @Test func tableFilterTakesSSSpellings() throws {
        let local = SocketEndpoint(address: IPAddress(ipv4: 0x7F00_0001), port: 40000)
        let remote = SocketEndpoint(address: IPAddress(ipv4: 0x7F00_0001), port: 8080)
        let estab = SocketEntry(proto: .tcp, local: local, remote: remote, stateCode: TCPState.established.rawValue, inode: 9)
        let closeWait = SocketEntry(proto: .tcp, local: remote, remote: local, stateCode: TCPState.closeWait.rawValue)
        for words in ["estab", "established", "ESTABLISHED", "connected", "dport :8080", "dport = :8080", "sport eq 40000", "127.0.0.1:8080"] {
            #expect(try TableFilter(words).matches(estab), "\(words)")
        }
        for words in ["close-wait", "CLOSE_WAIT", "sport 8080"] {
            #expect(try TableFilter(words).matches(closeWait) && !TableFilter(words).matches(estab), "\(words)")
        }
        #expect(try TableFilter("syn-received").states.states == [.tcp(.synRecv)])
        let nginx = StatesTable.Owner(pid: 7, command: "nginx")
        let byProcess = try TableFilter("nginx", knownProcesses: ["nginx", "sshd"])
        #expect(byProcess.matches(estab, owner: nginx) && !byProcess.matches(estab, owner: .init(pid: 8, command: "sshd")))
        #expect(!byProcess.matches(closeWait))
        #expect(throws: UsageError.self) { try TableFilter("nginx") }
        #expect(throws: UsageError.self) { try TableFilter("estabilshed") }
        #expect(throws: UsageError.self) { try TableFilter("sport") }
        #expect(throws: UsageError.self) { try TableFilter("70000") }
        // In the screen: the reason is said, the filter stays as it was, /all is not turned on.
        var model = connection()
        _ = model.run(.filter("estab"), now: 1)
        _ = model.run(.filter("bogus"), now: 1)
        #expect(model.board.filter.expression == "estab" && !model.board.showAll)
        #expect(model.statusText(now: 1)?.hasPrefix("filter: 'bogus' matches nothing") == true)
    }

    @Test func timeWaitCountsDownFromTheSample() {
        var board = StateBoard()
        let local = SocketEndpoint(address: IPAddress(ipv4: 0x7F00_0001), port: 40000)
        let remote = SocketEndpoint(address: IPAddress(ipv4: 0x7F00_0001), port: 8080)
        board.own(.init(proto: .tcp, local: local, remote: remote), connection: 1)
        _ = board.update([SocketEntry(proto: .tcp, local: local, remote: remote, stateCode: TCPState.timeWait.rawValue,
                                      timer: .timeWait, timerTicks: 6000)], at: 10)
        #expect(board.rows(now: 15).first?.timerLeft == 55)
        #expect(board.rows(now: 100).first?.timerLeft == 0)
    }
}
