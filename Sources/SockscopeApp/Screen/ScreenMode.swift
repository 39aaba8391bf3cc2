import CLinux
import Glibc
import SockscopeCore
import SockscopeTransport
import SockscopeTUI

/// The interactive screen, as the engine's face (DESIGN.md: one poll() loop over keys, sockets,
/// the tracefs buffers, the signalfd and the timers — the engine's). It feeds the model what the
/// engine reports, asks the model what keys mean, acts on the reactions through the engine, and
/// redraws when something changed — at most 25 times a second during a flood, at once after a
/// key. It makes no socket call of its own.
final class ScreenMode: EngineFace {
    let plan: SessionPlan?
    let io: SystemIO
    var model: ScreenModel
    let screen: Screen
    let view: ScreenView
    let trace: (any TransitionFeed)?
    /// The capture (as root): segments for the ladders, frames for --pcap.
    let capture: (any SegmentFeed)?
    /// --ladder: where the selected ladder goes when the screen closes.
    let ladderFile: ReplacedFile?
    /// Segments read before their connection opened (a listener's handshake comes before accept).
    var unplaced: [Segment] = []
    /// Ports of our sockets: the frames the capture keeps.
    var ourPorts: Set<UInt16> = []
    let wallOffset: Double
    let states: StatesFilter
    let reader: any SocketTable
    var attribution: Attribution
    /// Where every source becomes transitions (Core's one observer).
    var observer: TransitionObserver
    /// Each open connection's row key, to drop its TCP_INFO when it closes.
    var keys: [Int: ConnectionKey] = [:]
    /// Our dial while connect() is in progress: its TCP_INFO counts the SYN's retransmissions.
    var connectingKey: ConnectionKey?
    /// Without the tracepoint: an exact lookup to see where a closed socket of ours went, and
    /// each one's state just before close() (the observer tells our transitions first-hand).
    let lookup: SocketLookup?
    var stateBeforeClose: [Int: TCPState] = [:]
    let refreshInterval: Double
    var nextRefresh = 0.0
    var lastDraw = -Double.infinity
    var keyPressed = false

    /// The face's poll slots: the keyboard, then the tracepoint's descriptors; a relay's from
    /// `relayBase` on.
    static let keyboardSlot = 0
    static let relayBase = 1 << 20
    /// What moves the bytes when it is not the screen's input line (--exec, --broker, `proxy`):
    /// it takes every received byte and event first, and sends through the engine; the screen
    /// shows what it did. Held strongly here (the engine holds its face weakly).
    var relay: (any EngineFace)?
    /// How the relay names a connection in the list (a tunnel's leg), when it does.
    var relayLabel: ((Int) -> String?)?
    /// Whether the relay's connection's bytes are shown in the conversation, or only counted.
    var relayShows: ((Int) -> Bool)?
    /// A connection's stage failed (TLS, a proxy): the screen exits 1 when it closes, as a pipe does.
    var stageFailed = false
    /// The relay's descriptors of the round, renumbered into the engine's set (kept between
    /// rounds: no set made per round).
    var relaySet = PollSet<Engine.Slot>()
    /// A Unix peer's process name by pid (SO_PEERCRED), read once.
    var peerNames: [Int32: String] = [:]
    /// What the relay told, waiting for the end of the event that caused it.
    var pendingTales: [(text: String, connection: Int)] = []

    init(plan: SessionPlan?, io: SystemIO, header: ScreenModel.Header, trace: (any TransitionFeed)?,
         capture: (any SegmentFeed)? = nil, captureOff: String? = nil, ladderFile: ReplacedFile? = nil,
         states: StatesFilter = StatesFilter(), refreshInterval: Double = 0.5) throws {
        self.plan = plan
        self.io = io
        self.trace = trace
        self.ladderFile = ladderFile
        lookup = trace == nil ? SocketLookup() : nil
        self.capture = capture
        self.states = states
        self.refreshInterval = refreshInterval
        reader = io.openSocketTable(io.procRoot)
        attribution = Attribution(root: io.procRoot)
        model = ScreenModel(header: header, watchOnly: plan == nil,
                             multiConnection: plan?.keepListening ?? false, crlf: plan?.crlf ?? false,
                             sendDisabled: !(plan?.readStdin ?? true), endOfInput: plan?.endOfInput ?? .keepOpen,
                             datagram: plan?.datagram ?? false)
        let wallOffset = io.wallClock() - io.monotonic()
        self.wallOffset = wallOffset
        observer = TransitionObserver(tracing: trace != nil, patience: trace?.fusionPatience ?? TransitionFusion.tracefsPatience,
                                      capturing: capture != nil, kernelResets: trace?.reportsResets ?? false, wallOffset: wallOffset)
        if capture == nil { model.ladderUnavailable = captureOff ?? "no capture" }
        if let plan, plan.tls != nil, let path = plan.pcapPath, capture != nil, plan.pcapPayload == 0 {
            model.say("--pcap \(path.terminalSafe): pcapng with the TLS secrets, but frames cut to their headers: "
                      + "--pcap-payload 65535 keeps the records, to decrypt in Wireshark", at: io.monotonic())
        }
        view = ScreenView(formatTime: { ClockText.timeOfDay($0 + wallOffset, digits: 3) })
        screen = try io.makeScreen(io.wantsColour)
    }

    /// Runs the engine with this face until /quit, F10, a -q deadline or a signal; the terminal is
    /// restored on every path, then --ladder's file is written (a failure there is exit 1).
    func run(_ engine: Engine) -> ExitStatus {
        let status = runScreen(engine)
        guard let ladder = writeLadder(signalFD: engine.signalFD) else { return status }
        if case .signal = status { return status }
        return ladder
    }

    func runScreen(_ engine: Engine) -> ExitStatus {
        defer { screen.close() }
        attach(to: engine)
        do {
            switch try engine.run() {
            case .signal(let number): return .signal(number)
            case .stdoutFailed: return .failure
            // As in a pipe: a dial that never connected, or a stage that failed (a TLS handshake
            // refused, a proxy's refusal), is the session's failure.
            case .finished, .idleTimeout, .quitAfterEOF, .quit:
                return (model.connectFailed && model.connections.isEmpty) || stageFailed ? .failure : .success
            }
        } catch {
            return .failure
        }
    }

    /// Becomes the engine's face: what it already holds (the dialed connection, the listener)
    /// enters the model, and the table is read once.
    func attach(to engine: Engine) {
        engine.face = self
        if relay != nil {
            engine.onSend = { [unowned self] bytes, id in model.sent(bytes, connection: id, at: io.monotonic()) }
        }
        if trace == nil {
            engine.onSocketEvent = { [unowned self] event in
                if event.kind == .closing, let state = event.info.state { stateBeforeClose[event.id] = state }
            }
        }
        if let address = engine.listenerAddress {
            let key = Self.key(of: address, datagram: plan?.datagram ?? false)
            if let key { addPort(key.local.port) }
            model.apply(.listening(key: key), at: io.monotonic())
        }
        if let peer = engine.connectingPeer {
            self.engine(engine, event: .connecting(peer: peer))
        }
        for connection in engine.openConnections {
            self.engine(engine, event: .opened(id: connection.id, peer: connection.peer, how: .dialed))
        }
        refreshTable(engine, at: io.monotonic())
    }

    // MARK: EngineFace

    func engine(_ engine: Engine, received bytes: UnsafeRawBufferPointer, on id: Int) {
        let shown = relayShows?(id) ?? true
        relay?.engine(engine, received: bytes, on: id)
        if shown {
            model.received(bytes, connection: id, at: io.monotonic())
        } else {
            model.updateSession(id) { $0.bytesIn += UInt64(bytes.count) }
        }
    }

    func engine(_ engine: Engine, event: EngineEvent) {
        // The relay's last word on a connection, before it forgets it.
        if case .closed(let id, _, _) = event { relabel(only: id) }
        relay?.engine(engine, event: event)
        // What the relay told of it is noted once the model knows the connection.
        defer { tellPending() }
        let now = io.monotonic()
        nextRefresh = min(nextRefresh, now + 0.02)
        switch event {
        case .connecting(let peer):
            // The engine numbers connections from 1: the dial becomes connection 1.
            let key = engine.connectingKey
            model.apply(.connecting(connection: 1, peer: peer.display, key: key), at: now)
            if let key {
                model.board.setInfo(engine.connectingInfo, for: key)
                connectingKey = key
                if capture != nil { startLadder(1, key: key, dialed: true, at: now) }
                // First-hand, at once: the tracepoint's record of it (a socket without a port
                // yet) is placed only at the socket's next transition, which a held SYN_SENT delays.
                // Stamped when connect() was called, not now: on loopback the kernel has stamped
                // the whole handshake before connect() returns, and SYN_SENT must come first.
                for transition in observer.dialing(key, since: min(engine.connectingSince ?? now, now)) { log(transition) }
            }
        case .connectFailed(let peer, let code):
            if let key = connectingKey { model.board.setInfo(nil, for: key) }
            connectingKey = nil
            let failure: ConnectionEvent.ConnectFailure = code == ECONNREFUSED ? .refused : code == ETIMEDOUT ? .timedOut
                : .other(String(cString: strerror(code)))
            model.apply(.connectFailed(peer: peer.display, failure: failure), at: now)
        case .dialFailed(_, let peer, let code):
            model.say("dial to \(peer.display.terminalSafe) failed: \(String(cString: strerror(code)))", at: now)
        case .opened(let id, let peer, let how):
            connectingKey = nil
            let key = engine.connection(id)?.key
            let info = key == nil ? nil : engine.tcpInfo(id)
            if let key {
                keys[id] = key
                model.board.setInfo(info, for: key)
            }
            let label = relayLabel?(id)
            if let label { model.board.ownNotes[id] = label }
            model.apply(.opened(connection: id, peer: label ?? peer?.display ?? "(unnamed)", key: key, how: how), at: now)
            if let key { ownOpened(key: key, accepted: how == .accepted, info: info, at: now) }
            if let key, capture != nil, model.ladders[id] == nil { startLadder(id, key: key, dialed: how == .dialed, at: now) }
        case .refusedOverLimit(let address):
            model.apply(.refused(peer: address.display, limit: plan?.maxConnections ?? 0), at: now)
        case .refusedByFilter(let address):
            model.say("refused \(address.display.terminalSafe): not allowed (--allow, --deny)", at: now)
        case .acceptPaused(let code):
            model.apply(.acceptPaused(reason: String(cString: strerror(code))), at: now)
        case .acceptResumed:
            model.apply(.acceptResumed, at: now)
        case .peerFinished(let id):
            model.addAction("EOF read", connection: id, sends: false, at: now)
            model.apply(.peerFinished(connection: id, canStillSend: engine.connection(id)?.writeOpen ?? false), at: now)
            ownInfoRead(id, info: engine.tcpInfo(id), at: now)
        case .shutDown(let id):
            model.addAction("shutdown()", connection: id, sends: true, at: now)
            let info = engine.tcpInfo(id)
            if let key = keys[id] { model.board.setInfo(info, for: key) }
            model.apply(.shutDown(connection: id, stillReading: engine.connection(id)?.readOpen ?? false), at: now)
            ownInfoRead(id, info: info, at: now)
        case .datagramRefused(let id, let code):
            model.apply(.datagramRefused(connection: id, reason: String(cString: strerror(code))), at: now)
        case .closed(let id, _, let reason):
            if case .streamFailed = reason { stageFailed = true }
            model.addAction(reason == .reset ? "close(), SO_LINGER 0" : "close()", connection: id, sends: true, at: now)
            // TCP_INFO described the open socket; the kernel's leftover (TIME_WAIT) has none.
            let key = keys.removeValue(forKey: id)
            if let key { model.board.setInfo(nil, for: key) }
            model.apply(.closed(connection: id, ending: Self.ending(reason, idle: plan?.timeout ?? 0)), at: now)
            if let key { ownClosed(id, key: key, reset: reason == .reset, at: now) }
        case .streamNote(let id, let note):
            model.note(note.text.terminalSafe, connection: id, at: now)
            // The handshake done, failed, or the peer's ending: the facts as they stand (kept
            // once the connection is gone).
            if let facts = engine.tlsFacts(id) { model.tls[id] = facts }
            // The header names what the (first) connection's stage agreed on.
            let connection = engine.connection(id)
            if model.header.security == nil, let summary = connection?.streamSummary { model.header.security = summary.terminalSafe }
            // A leg to a proxy: its row in the table says which target it carries.
            if let route = connection?.route { model.board.ownNotes[id] = route.terminalSafe }
        case .streamRecords(let id, let records):
            model.addRecords(records, connection: id)
            // Until the first application byte (a few records: the handshake and its steps), the
            // facts as they stand — a handshake that fails still shows them; read here, not at
            // every draw (the chain's digests).
            if !(model.tls[id]?.steps.contains { $0.name == TLSFacts.firstApplicationByte } ?? false), let facts = engine.tlsFacts(id) {
                model.tls[id] = facts
            }
        case .sessionFinished:
            break  // the statuses already say so; the screen stays, so that TIME_WAIT can be watched
        }
    }

    func prepare(_ engine: Engine, now: Double, set: inout PollSet<Engine.Slot>) -> Double? {
        tellPending()
        if now >= nextRefresh { refreshTable(engine, at: now) }
        if model.dirty && (keyPressed || now - lastDraw >= 0.04) { draw(now: now) }
        keyPressed = false
        set.watch(screen.keyboard, POLLIN, as: .face(Self.keyboardSlot))
        let traceDescriptors = trace?.descriptors ?? []
        for (index, fd) in traceDescriptors.enumerated() { set.watch(fd, POLLIN, as: .face(1 + index)) }
        if let capture { set.watch(capture.descriptor, POLLIN, as: .face(1 + traceDescriptors.count)) }
        let wake = model.dirty ? min(nextRefresh, lastDraw + 0.04) : nextRefresh
        guard let relay else { return wake }
        // The relay's descriptors (a program's pipes, the lookups' pipe), numbered after ours.
        relaySet.reset()
        let relayWake = relay.prepare(engine, now: now, set: &relaySet)
        for index in 0..<relaySet.count {
            if case .face(let slot) = relaySet.slots[index] {
                set.watch(relaySet.fds[index].fd, Int32(relaySet.fds[index].events), as: .face(Self.relayBase + slot))
            }
        }
        return relayWake.map { min($0, wake) } ?? wake
    }

    func ready(_ engine: Engine, slot: Int, revents: Int32) -> EngineOutcome? {
        if slot >= Self.relayBase {
            let outcome = relay?.ready(engine, slot: slot - Self.relayBase, revents: revents)
            model.dirty = true
            return outcome
        }
        if slot == Self.keyboardSlot { return handleKeys(engine) }
        if capture != nil && slot == 1 + (trace?.descriptors.count ?? 0) {
            readCapture()
        } else {
            readTrace()
        }
        return nil
    }

    /// SIGWINCH resizes; SIGTSTP suspends; SIGINT, SIGTERM, SIGHUP and SIGQUIT end the screen (the terminal is
    /// restored by `run`) and the process dies by the signal, as in pipe mode.
    func handles(signal: Int32) -> Bool {
        guard ScreenSignals.follow(signal, on: screen, io: io) else { return false }
        model.dirty = true
        keyPressed = true
        return true
    }

    /// The screen stays open after its connection ends or idles out, so that TIME_WAIT can be
    /// watched; /quit, a -q deadline or a signal end it.
    func ends(with outcome: EngineOutcome) -> Bool {
        outcome != .finished && outcome != .idleTimeout
    }

    /// A relay's event (a program started or ended, a tunnel's end) as a note in the
    /// conversation: of its connection when it names one, else of the session — after the
    /// engine's event that caused it, so that the model knows the connection.
    func tell(_ event: SessionEvent, connection given: Int? = nil) {
        guard let text = event.text else { return }
        var connection = given ?? 0
        for (name, value) in event.fields where given == nil && name == "connection" {
            if case .int(let id) = value { connection = id }
        }
        pendingTales.append((text, connection))
    }

    func tellPending() {
        for (text, connection) in pendingTales { model.note(text, connection: connection, at: io.monotonic()) }
        pendingTales.removeAll()
    }

    // MARK: Drawing and keys

    func draw(now: Double) {
        model.autoLadder = screen.rows >= ScreenModel.tallEnough
        let drawn = view.draw(model, now: now, on: screen)
        screen.present()
        model.panesOnScreen = drawn.panes
        if !drawn.panes.keys.contains(model.focus) { model.focus = .conversation }
        model.conversationScrollLimit = drawn.conversationScrollLimit
        model.board.shownKeys = drawn.tableKeys
        if let limit = drawn.conversationScrollLimit { model.scroll = min(model.scroll, limit) }
        model.dirty = false
        lastDraw = now
    }

    func handleKeys(_ engine: Engine) -> EngineOutcome? {
        let now = io.monotonic()
        for key in screen.readKeys() {
            keyPressed = true
            if key == .resize {
                model.dirty = true
                continue
            }
            for reaction in model.handle(key, now: now) {
                if let outcome = act(on: reaction, engine: engine, now: now) { return outcome }
            }
        }
        return nil
    }

    func act(on reaction: Reaction, engine: Engine, now: Double) -> EngineOutcome? {
        switch reaction {
        case .quit: return .quit
        case .redraw: model.dirty = true
        case .refreshTable: nextRefresh = now
        case .send(let connection, let bytes):
            let ids = engine.send(bytes, to: connection)
            if engine.onSend == nil { for id in ids { model.sent(bytes, connection: id, at: now) } }
        case .shutdown(let connection): engine.requestFIN(connection)
        case .close(let connection): engine.requestClose(connection)
        case .reset(let connection): engine.reset(connection)
        case .hold(let connection, let on):
            engine.hold(connection, on)
            model.addAction(on ? "hold: no read()" : "release: read() again", connection: connection, sends: false, at: now)
        case .endOfInput(let connection): engine.endInput(connection)
        }
        return nil
    }

    static func ending(_ reason: EngineEvent.CloseReason, idle: Double) -> ConnectionEvent.Ending {
        switch reason {
        case .finished: .finished
        case .closedByUs: .closedByUs
        case .reset: .reset
        case .resetByPeer: .resetByPeer
        case .failed(let code): .failed(String(cString: strerror(code)))
        case .streamFailed(let reason): .failed(reason.terminalSafe)
        case .idle: .idle(idle)
        }
    }

    /// How the socket tables name a listening or bound socket of ours: its address and a zero
    /// peer.
    static func key(of address: SocketAddress, datagram: Bool) -> ConnectionKey? {
        guard let endpoint = address.endpoint else { return nil }
        let v6 = address.family == AF_INET6
        let proto: SocketProtocol = v6 ? (datagram ? .udp6 : .tcp6) : (datagram ? .udp : .tcp)
        let zero = SocketEndpoint(address: v6 ? IPAddress(ipv6High: 0, low: 0) : IPAddress(ipv4: 0), port: 0)
        return ConnectionKey(proto: proto, local: endpoint, remote: zero)
    }
}

extension ClockText {
    /// `14:30:00.123` with `digits` decimals (the screen shows milliseconds).
    static func timeOfDay(_ seconds: Double, digits: Int) -> String {
        String(timeOfDay(seconds).dropLast(6 - digits))
    }
}
