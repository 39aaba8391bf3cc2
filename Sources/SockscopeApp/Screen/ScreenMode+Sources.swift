import Glibc
import SockscopeCore
import SockscopeTransport

/// The state sources of the screen (DESIGN.md): the socket tables every `refreshInterval` (and
/// at once after something happened to ours), the tracepoint as it fires, TCP_INFO of our sockets.
extension ScreenMode {
    /// A relay's names change as its connections go on (a file's name once asked, how much of
    /// it has arrived): the list and the table follow them.
    func relabel(only id: Int? = nil) {
        guard let relayLabel else { return }
        for connection in model.connections where connection.open && (id == nil || connection.id == id) {
            guard let label = relayLabel(connection.id), label != connection.peer else { continue }
            model.updateSession(connection.id) { $0.peer = label }
            model.board.ownNotes[connection.id] = label
        }
    }

    func refreshTable(_ engine: Engine, at now: Double) {
        relabel()
        if model.unixSocket { refreshUnixRows(engine) }
        // TCP_INFO of ours, read once: first-hand (no root) it says a change before the tables do.
        var ownInfo: [Int: TCPInfo] = [:]
        for id in keys.keys {
            ownInfo[id] = engine.tcpInfo(id)
            ownInfoRead(id, info: ownInfo[id], at: now)
        }
        // TCP_INFO of every socket shown (as ss -i), not only ours, in the same dump.
        // (The board's copies live in blocks of their own: one alive at the next change to the
        // model's board would copy all its tables.)
        var sampled: [ConnectionKey: TCPInfo] = [:]
        let entries: [SocketEntry]
        do {
            let board = model.board
            entries = reader.read(states.protocols) { entry, info in
                let key = ConnectionKey(entry)
                if board.wantsInfo(key) { sampled[key] = info }
            }.filter(states.matches)
        }
        model.board.setSampledInfos(sampled)
        for transition in observer.tables(model.board.update(entries, at: now), reading: entries, at: now,
                                          lookUp: trace.map { source in { source.state(of: $0) } }) {
            log(transition)
        }
        model.header.lostTransitions += observer.takeMissed()
        // Owners of what is shown: with /all every socket's; else ours and their other ends' (who
        // is on the other end is worth a /proc walk, at most once a second, only for new inodes).
        do {
            let board = model.board
            attribution.update(board.showAll ? entries : entries.filter { board.isOursOrPeer(ConnectionKey($0)) }, now: now)
        }
        model.board.owners = attribution.owners
        for (id, key) in keys { model.board.setInfo(ownInfo[id], for: key) }
        if let connectingKey { model.board.setInfo(engine.connectingInfo, for: connectingKey) }
        // The tracepoint's verdicts on other namespaces' sockets fall due with time.
        if trace != nil { readTrace() }
        model.dirty = true  // timers count down and highlights fade
        nextRefresh = now + refreshInterval
    }

    func readTrace() {
        guard let trace else { return }
        let now = io.monotonic()
        let batch = trace.read(now: now)
        // The segments first (and the kernel's RSTs): an ending read here is then explained by
        // the RST behind it.
        readCapture()
        for reset in batch.resets { observer.saw(reset) }
        model.header.lostTransitions += batch.lost
        if batch.notices { model.say(TraceSource.noticesLostText, at: now) }
        for event in batch.events {
            for transition in observer.traced(event) where transition.matches(states) {
                model.board.markChanged(ConnectionKey(transition.entry), at: transition.time)
                if log(transition) != nil { nextRefresh = min(nextRefresh, now + 0.02) }
            }
        }
        // An ending held until the tables say where it went: read them soon.
        if observer.heldCount > 0 { nextRefresh = min(nextRefresh, now + 0.02) }
        model.dirty = true
    }

    /// Adds a transition to the log, attributed to our connection when it is one of ours (or the
    /// other end of one of ours); returns that connection.
    @discardableResult
    func log(_ transition: Transition) -> Int? {
        // (states --events waits for the kernel's report of a RST; the log cannot, and a fresh
        // ending keeps its general sentence rather than a wrong one.)
        let transition = observer.explained(transition, now: io.monotonic())
        let connection = model.log.connection(for: transition.entry, in: model.board)
        model.log.append(transition, connection: connection)
        model.addToLadder(transition)
        model.dirty = true
        return connection
    }
}

extension ScreenMode {
    /// A Unix session's table: our listener and connections as `ss -x` shows them, each with
    /// the process at the other end (SO_PEERCRED) and its name, escaped (a process names itself).
    func refreshUnixRows(_ engine: Engine) {
        let kind = engine.datagram ? "u_dgr" : "u_str"
        var rows: [ScreenModel.UnixRow] = []
        if let listener = engine.listenerAddress, listener.family == AF_UNIX {
            rows.append(.init(connection: 0, kind: kind, state: engine.datagram ? "UNCONN" : "LISTEN", recvQueue: 0, sendQueue: 0,
                              local: (listener.unixPath ?? "(unnamed)").terminalSafe, peer: "*", peerProcess: ""))
        }
        var names: [Int32: String] = [:]
        for connection in engine.openConnections where connection.local.family == AF_UNIX {
            let facts = engine.unixFacts(connection.id)
            var process = ""
            if let pid = facts?.peerPID {
                // Read once per peer, not at every refresh; only the peers still here keep
                // theirs (a pid used again names another process).
                let name = peerNames[pid] ?? (ProcFile.read("/proc/\(pid)/comm").map { String($0.prefix { $0 != "\n" }).terminalSafe } ?? "?")
                names[pid] = name
                process = "peer pid \(pid) uid \(facts?.peerUID ?? 0) (\(name))"
            }
            rows.append(.init(connection: connection.id, kind: kind, state: connection.readOpen || connection.writeOpen ? "ESTAB" : "CLOSED",
                              recvQueue: facts?.recvQueue ?? 0, sendQueue: facts?.sendQueue ?? 0,
                              local: (connection.local.unixPath ?? "(unnamed)").terminalSafe,
                              peer: (connection.peer?.unixPath ?? "(unnamed)").terminalSafe, peerProcess: process))
        }
        peerNames = names
        if rows != model.unixRows {
            model.unixRows = rows
            model.dirty = true
        }
    }
}
