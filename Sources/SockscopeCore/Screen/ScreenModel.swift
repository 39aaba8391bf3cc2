/// Everything the screen shows, in one place (DESIGN.md convention 4): views only draw it, the
/// loop only feeds it and acts on the reactions its key handler returns (convention 3).
public struct ScreenModel: Sendable {
    public struct Header: Sendable, Equatable {
        /// `dial tcp`, `listen tcp -k`, `watch`.
        public var mode: String
        public var local: String
        public var peer: String
        /// The end-of-input rule in words.
        public var policy: String
        /// Which state sources are on, and why the others are off (in /help).
        public var sources: String
        /// The same in a few words for the header: how complete the view is, and how to complete it.
        public var brief: String
        /// Transitions the kernel's trace buffer lost since the start (the reader fell behind),
        /// or the tracepoint never reported (the tables prove them).
        public var lostTransitions = 0
        /// Frames the capture's ring had no room for since the start.
        public var lostFrames = 0
        /// What the connection's stream agreed on (`TLSv1.3 TLS_AES_256_GCM_SHA384`), when a
        /// stage such as TLS carries it; escaped for the terminal.
        public var security: String?

        public init(mode: String, local: String = "", peer: String = "", policy: String = "", sources: String = "",
                    brief: String = "") {
            self.brief = brief
            self.mode = mode
            self.local = local
            self.peer = peer
            self.policy = policy
            self.sources = sources
        }
    }

    /// One connection of ours (under -l -k there are several).
    public struct Connection: Sendable, Equatable {
        public var id: Int
        public var peer: String
        /// `open`, `FIN sent`, `peer sent FIN`, `closed`, `reset`.
        public var status: String
        public var bytesIn: UInt64 = 0
        public var bytesOut: UInt64 = 0
        /// Whether our write half is still open.
        public var canSend = true
        /// /hold: we do not read it.
        public var held = false
        public var open = true

        public init(id: Int, peer: String, status: String = "open") {
            self.id = id
            self.peer = peer
            self.status = status
        }
    }

    public var header: Header
    public var conversation = Conversation()
    public var editor = LineEditor()
    public var board = StateBoard()
    public var log = TransitionLog()
    public private(set) var connections: [Connection] = []
    /// How each connection came: our dialer, or our listener's connection (the log names roles).
    public internal(set) var openings: [Int: ConnectionEvent.Opening] = [:]
    /// Our dial failed (the process then exits 1, as nc).
    public internal(set) var connectFailed = false
    public private(set) var selected: Int?
    /// No connection: the state table and the log alone (`sockscope watch`).
    public let watchOnly: Bool
    /// -l -k: several connections, a connection list.
    public let multiConnection: Bool
    /// -C: Enter sends CR LF.
    public let crlf: Bool
    /// -d: the input line takes commands only.
    public let sendDisabled: Bool
    /// What Ctrl-D does (-N, -q), for its note.
    public let endOfInput: SessionPlan.EndOfInput
    /// UDP: no FIN to send.
    public let datagram: Bool
    /// A Unix socket: no TCP states, no RST, no segments (the footer and the table say so).
    public var unixSocket = false
    /// Our Unix sockets as `ss -x` shows them, with the peer's process (SO_PEERCRED).
    public struct UnixRow: Sendable, Equatable {
        public var connection: Int
        /// `u_str` or `u_dgr`.
        public var kind: String
        /// `LISTEN`, `ESTAB`, `UNCONN`.
        public var state: String
        public var recvQueue: Int
        public var sendQueue: Int
        public var local: String
        public var peer: String
        /// `pid 4242 uid 1000 (nc)`: who is at the other end.
        public var peerProcess: String

        public init(connection: Int, kind: String, state: String, recvQueue: Int, sendQueue: Int, local: String, peer: String,
                    peerProcess: String) {
            self.connection = connection
            self.kind = kind
            self.state = state
            self.recvQueue = recvQueue
            self.sendQueue = sendQueue
            self.local = local
            self.peer = peer
            self.peerProcess = peerProcess
        }
    }
    public var unixRows: [UnixRow] = []
    public var hex = false
    /// Each connection's ladder (as root, from the capture), by connection id.
    public var ladders: [Int: Ladder] = [:]
    /// Whether the ladder is shown: nil follows the screen's height (shown when tall enough).
    public var ladderShown: Bool?
    /// The ladder's selected row, counted back from the newest (0 follows new segments).
    public var ladderBack = 0
    /// Whether the terminal is tall enough for the ladder beside the conversation (the loop sets
    /// it from the size at each draw).
    public var autoLadder = false
    /// Why there is no ladder (no root), said when it is asked for.
    public var ladderUnavailable: String?
    public var helpShown = false
    /// /diagram: the state diagram over the screen (keys still act under it).
    public var diagramShown = false
    /// /tls: the selected connection's TLS facts over the screen (keys still act under it).
    public var tlsShown = false
    /// Each TLS connection's facts, as last read (they stay once the connection has gone:
    /// a refused certificate is still shown).
    public var tls: [Int: TLSFacts] = [:]
    /// Rows the help is scrolled down (↓/PgDn; the view stops at its end).
    public var helpScroll = 0
    /// Conversation rows scrolled back from the bottom.
    public var scroll = 0
    /// The pane the arrows and page keys move in, and the panes the last draw showed (the loop
    /// sets them from the layout, with each pane's height).
    public var focus = Pane.conversation
    public var panesOnScreen: [Pane: Int] = [.conversation: 10]
    /// The log's selected transition by its number; nil follows the newest.
    public var logSelected: Int?
    /// /compact: one line per transition, the selected one explained below (always so while
    /// the log has the focus).
    public var logCompact = false
    /// How far the conversation can scroll back before blank space (the view reports it at each
    /// draw); nil while unknown.
    public var conversationScrollLimit: Int?
    /// The table's cursor row (Tab to the table, then the arrows); the view keeps it in sight.
    public var tableCursor = 0
    public private(set) var status: (text: String, until: Double)?
    /// Set when the model changed since the last draw.
    public var dirty = true

    public init(header: Header, watchOnly: Bool = false, multiConnection: Bool = false, crlf: Bool = false,
                sendDisabled: Bool = false, endOfInput: SessionPlan.EndOfInput = .keepOpen, datagram: Bool = false) {
        self.header = header
        self.watchOnly = watchOnly
        self.multiConnection = multiConnection
        self.crlf = crlf
        self.sendDisabled = sendDisabled
        self.endOfInput = endOfInput
        self.datagram = datagram
        if watchOnly { board.showAll = true }
    }

    // MARK: What the loop reports

    public mutating func addSession(_ connection: Connection, at time: Double) {
        connections.append(connection)
        if selected == nil || !(connections.first { $0.id == selected }?.open ?? false) { selected = connection.id }
        conversation.note(datagram ? datagramNote(peer: connection.peer, heard: openings[connection.id] == .heard) : "connected: \(connection.peer)",
                          connection: connection.id, at: time)
        dirty = true
    }

    public mutating func updateSession(_ id: Int, _ change: (inout Connection) -> Void) {
        guard let index = connections.firstIndex(where: { $0.id == id }) else { return }
        change(&connections[index])
        dirty = true
    }

    public func connection(_ id: Int) -> Connection? { connections.first { $0.id == id } }

    public mutating func received(_ bytes: UnsafeRawBufferPointer, connection: Int, at time: Double) {
        conversation.append(bytes, direction: .received, connection: connection, at: time)
        updateSession(connection) { $0.bytesIn += UInt64(bytes.count) }
    }

    public mutating func received(_ bytes: [UInt8], connection: Int, at time: Double) {
        bytes.withUnsafeBytes { received($0, connection: connection, at: time) }
    }

    public mutating func sent(_ bytes: [UInt8], connection: Int, at time: Double) {
        conversation.append(bytes, direction: .sent, connection: connection, at: time)
        updateSession(connection) { $0.bytesOut += UInt64(bytes.count) }
    }

    public mutating func note(_ text: String, connection: Int = 0, at time: Double) {
        conversation.note(text, connection: connection, at: time)
        dirty = true
    }

    public mutating func say(_ text: String, at time: Double, for seconds: Double = 6) {
        status = (text, time + seconds)
        dirty = true
    }

    /// The status line's text, while it lasts.
    public func statusText(now: Double) -> String? {
        guard let status, now < status.until else { return nil }
        return status.text
    }

    // MARK: Keys and commands

    public mutating func handle(_ key: Key, now: Double) -> [Reaction] {
        dirty = true
        if helpShown && key != .resize {
            // The help scrolls on a short screen; any other key closes it.
            switch key {
            case .down: helpScroll += 1
            case .pageDown, .character(" "): helpScroll += 10
            case .up: helpScroll = max(0, helpScroll - 1)
            case .pageUp: helpScroll = max(0, helpScroll - 10)
            default: helpShown = false
            }
            return [.redraw]
        }
        guard let action = KeyBindings.action(for: key).map(inFocus) else {
            if case .character(let character) = key { editor.insert(character) }
            return [.redraw]
        }
        switch action {
        case .command(let command): return run(command, now: now)
        case .submit: return submit(now: now)
        case .endOfInput:
            guard editor.characters.isEmpty else {
                editor.deleteForward()
                return [.redraw]
            }
            guard let target = sendTarget(now: now) else { return [.redraw] }
            updateSession(target) { $0.canSend = false }
            note(Self.endOfInputNote(endOfInput), connection: target, at: now)
            return [.endOfInput(connection: target)]
        case .left: editor.moveLeft()
        case .right: editor.moveRight()
        case .home: editor.moveHome()
        case .end: editor.moveEnd()
        case .backspace: editor.backspace()
        case .deleteForward: editor.deleteForward()
        case .deleteToStart: editor.deleteToStart()
        case .deleteWord: editor.deleteWordBackward()
        case .historyUp: editor.historyUp()
        case .historyDown: editor.historyDown()
        case .scrollUp, .scrollDown: scroll(action == .scrollUp ? .earlier : .later, by: .page)
        case .selectEarlier, .selectLater:
            // Ctrl-P/N select on the ladder when it has no focus; the arrows where the focus is.
            let pane = focus == .conversation ? Pane.ladder : focus
            if pane != .ladder || ladderOnScreen { move(in: pane, action == .selectEarlier ? .earlier : .later, by: .one) }
        case .sortPrevious, .sortNext:
            board.sort = board.sort.cycled(by: action == .sortNext ? 1 : -1)
            if board.sort != .natural && !board.showAll { say("sorted by \(board.sort.rawValue): F3 shows the system's sockets, which it orders", at: now) }
        case .toggleHold:
            let held = selected.flatMap { connection($0) }?.held ?? false
            return run(held ? .release : .hold, now: now)
        case .paneFirst: move(in: focus, .earlier, by: .all)
        case .paneLast: move(in: focus, .later, by: .all)
        case .redraw: return [.redraw, .refreshTable]
        case .focusNext: cycleFocus(by: 1)
        case .focusPrevious: cycleFocus(by: -1)
        case .focusInput:
            // Esc closes an overlay first, then returns to typing.
            if tlsShown { tlsShown = false } else if diagramShown { diagramShown = false } else { focus = .conversation }
        }
        return [.redraw]
    }

    mutating func submit(now: Double) -> [Reaction] {
        let line = editor.submit()
        switch EnteredLine(line) {
        case .invalid(let message):
            say(message, at: now)
            return [.redraw]
        case .command(let command):
            return run(command, now: now)
        case .data(let text):
            guard !sendDisabled else {
                say("-d: nothing is sent; lines starting with / are commands (/help)", at: now)
                return [.redraw]
            }
            guard let target = sendTarget(now: now) else { return [.redraw] }
            scroll = 0
            return [.send(connection: target, bytes: encode(text))]
        }
    }

    /// What a UDP connection is: no handshake happened, whatever the socket calls itself.
    func datagramNote(peer: String, heard: Bool) -> String {
        if !heard {
            return "UDP peer set to \(peer): no handshake and nothing sent yet; connect() only fixed where datagrams go and whose are accepted"
        }
        return multiConnection
            ? "first datagram from \(peer): UDP has no connection; our one socket answers each sender with sendto(), each listed as a peer of its own"
            : "first datagram from \(peer): UDP has no connection; replies go to this sender, and connect() now filters out datagrams from others"
    }

    /// What Ctrl-D does to the selected connection, as its note says.
    static func endOfInputNote(_ rule: SessionPlan.EndOfInput) -> String {
        switch rule {
        case .keepOpen: "end of input: the connection stays open, as nc without -N; /shutdown sends FIN"
        case .shutdownWrite: "end of input: FIN follows what is queued (-N)"
        case .quit(let secs) where secs == 0: "end of input: FIN follows; the screen leaves when the peer finishes (-q 0)"
        case .quit(let secs): "end of input: FIN follows; the screen leaves after \(Seconds.text(secs)) s with nothing received (-q)"
        }
    }

    /// The bytes for a typed line: the text and a newline (CR LF under -C).
    func encode(_ text: String) -> [UInt8] { Array(text.utf8) + (crlf ? [0x0D, 0x0A] : [0x0A]) }

    /// The selected connection if it can take data; otherwise says why not and returns nil.
    mutating func sendTarget(now: Double) -> Int? {
        if watchOnly {
            say("watch has no connection: lines are commands (/help)", at: now)
            return nil
        }
        guard let selected, let connection = connection(selected), connection.open else {
            say(connections.isEmpty ? "no connection yet" : "the selected connection is closed", at: now)
            return nil
        }
        guard connection.canSend else {
            say("our write half is shut down (FIN sent): nothing more can be sent", at: now)
            return nil
        }
        return selected
    }

    public mutating func run(_ command: ScreenCommand, now: Double) -> [Reaction] {
        dirty = true
        switch command {
        case .help: helpShown = true; helpScroll = 0
        case .quit: return [.quit]
        case .hex: hex.toggle(); scroll = 0
        case .all: board.showAll.toggle()
        case .pause:
            board.paused.toggle()
            say(board.paused ? "table paused (/pause again to resume)" : "table resumed", at: now)
            return [.redraw, .refreshTable]
        case .clear: conversation.clear(); scroll = 0
        case .compact: logCompact.toggle()
        case .diagram: diagramShown.toggle()
        case .tls: tlsShown.toggle()
        case .ladder:
            if let ladderUnavailable {
                say("no ladder: \(ladderUnavailable)", at: now)
                return [.redraw]
            }
            ladderShown = !ladderOnScreen
            ladderBack = 0
        case .filter(let expression):
            do {
                board.filter = try TableFilter(expression, knownProcesses: Set(board.owners.values.map(\.command)))
                logSelected = nil
            } catch {
                say("filter: \(error.message)", at: now)
            }
        case .next, .prev:
            guard !connections.isEmpty else {
                say(watchOnly ? "watch has no connections" : "no connection yet", at: now)
                return [.redraw]
            }
            let index = connections.firstIndex { $0.id == selected } ?? 0
            let step = command == .next ? 1 : connections.count - 1
            selected = connections[(index + step) % connections.count].id
        case .sort(let name):
            guard let sort = TableSort(name: name) else {
                say("sort: no column '\(name)' (\(TableSort.allCases.dropFirst().map(\.rawValue).joined(separator: ", ")), none)", at: now)
                return [.redraw]
            }
            board.sort = sort
        case .broadcast(let text):
            guard !watchOnly, !sendDisabled else {
                say("nothing to send to", at: now)
                return [.redraw]
            }
            return [.send(connection: nil, bytes: encode(text))]
        case .hold, .release:
            return hold(command == .hold, now: now)
        case .shutdown, .close, .reset:
            guard !watchOnly, let selected, connection(selected)?.open == true else {
                say(watchOnly ? "watch has no connection" : "no open connection selected", at: now)
                return [.redraw]
            }
            if command == .shutdown && datagram {
                say("UDP has no FIN: nothing to shut down (/close closes our socket)", at: now)
                return [.redraw]
            }
            if command == .reset && datagram {
                say("UDP has no RST: there is no connection to abort (/close closes our socket)", at: now)
                return [.redraw]
            }
            switch command {
            case .shutdown: return [.shutdown(connection: selected)]
            case .close: return [.close(connection: selected)]
            default: return [.reset(connection: selected)]
            }
        }
        return [.redraw]
    }
}
