import Glibc
import SockscopeCore
import SockscopeTransport

/// The state sources of the screen (DESIGN.md): the socket tables every `refreshInterval` (and
/// at once after something happened to ours), the tracepoint as it fires, TCP_INFO of our sockets.
extension ScreenMode {
    func refreshTable(_ engine: Engine, at now: Double) {
        // TCP_INFO of ours, read once: first-hand (no root) it says a change before the tables do.
        var ownInfo: [Int: TCPInfo] = [:]
        for id in keys.keys {
            ownInfo[id] = engine.tcpInfo(id)
            firstHandInfo(id, info: ownInfo[id], at: now)
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
        for transition in firstHandReconciled(fusion.tables(model.board.update(entries, at: now), reading: entries, tracing: trace != nil,
                                                            at: now, lookUp: trace.map { source in { source.state(of: $0) } })) {
            log(transition)
        }
        model.header.lostTransitions += fusion.takeMissed()
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
        for reset in batch.resets { resets.record(reset) }
        model.header.lostTransitions += batch.lost
        if batch.notices { model.say(TraceSource.noticesLostText, at: now) }
        for event in batch.events {
            let traced = event.transition(duration: durations.duration(of: event))
            guard traced.matches(states) else { continue }
            if dialLogged, traced.from == .tcp(.close), traced.to == .tcp(.synSent),
               model.board.session(dialing: traced.entry.remote, proto: traced.entry.proto) != nil {
                dialLogged = false
                continue
            }
            model.board.markChanged(ConnectionKey(traced.entry), at: traced.time)
            // An ending held until the tables say where it went: read them soon.
            let shown = fusion.traced(traced)
            if shown.isEmpty { nextRefresh = min(nextRefresh, now + 0.02) }
            for transition in shown where log(transition) != nil { nextRefresh = min(nextRefresh, now + 0.02) }
        }
        model.dirty = true
    }

    /// Adds a transition to the log, attributed to our session when it is one of ours (or the
    /// other end of one of ours); returns that session.
    @discardableResult
    func log(_ transition: Transition) -> Int? {
        var transition = transition
        if capture != nil || trace?.reportsResets == true, transition.source.isTracepoint, transition.to == .tcp(.close) {
            let explained = resets.explained(transition, at: transition.time)
            // Without the capture, "no reset" for a fresh ending may only mean the kernel's report
            // of its RST is not read yet (states --events waits for it; the log cannot): then the
            // ending keeps its general sentence rather than a wrong one.
            if capture != nil || explained.cause != .noReset || io.monotonic() - transition.time >= EventsMode.resetWait {
                transition = explained
            }
        }
        let session = model.log.session(for: transition.entry, in: model.board)
        model.log.append(transition, session: session)
        model.addToLadder(transition)
        model.dirty = true
        return session
    }
}
