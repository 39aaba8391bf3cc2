import CLinux
import Glibc
import SockscopeCore

extension Engine {
    /// The poll slots, named as in nc; connections follow the fixed slots, then the face's.
    public enum Slot: Sendable { case signal, stdin, stdout, listener, datagramServer, connecting, dial(Int), connection(Int), face(Int) }

    /// Runs until the session is over (pipe mode) or the face leaves. Everything received is on
    /// standard output when it returns.
    public func run() throws(SystemError) -> EngineOutcome {
        defer {
            flushEvents?()  // the last round's lines, whichever way the run ends
            stdout.release()
        }
        var set = PollSet<Slot>()
        while true {
            if let outcome = try step(&set, wait: true) { return outcome }
        }
    }

    /// One round: the rules, then one poll() (waiting up to the nearest deadline when `wait`),
    /// then the I/O it reported. Returns the outcome once the engine ends.
    public func step(_ set: inout PollSet<Slot>, wait: Bool) throws(SystemError) -> EngineOutcome? {
        let now = clock()
        if let deadline = quitDeadline, now >= deadline { return finish(.quitAfterEOF) }
        _ = connectTimedOut(now: now)
        settleDials(now: now)
        if let idle = settings.idleTimeout, !connections.isEmpty, now - lastActivity >= idle,
           let outcome = idleOut() {
            return outcome
        }
        // Move what can move without waiting, then apply the rules to the result: every round
        // passes here, whether poll() returned for I/O or for a deadline.
        releaseLines(now: now)
        flushOutput()
        sendToConnections()
        rulesPending = false
        applyRules()
        if let failure = stdoutFailure { return finish(.stdoutFailed(failure)) }
        if let signal = recorder?.interruption { return finish(.signal(signal)) }
        if !sessionOver && settings.rules.sessionFinished(local, peersLeft: connections.count, everConnected: everConnected) {
            sessionOver = true
            emit(.sessionFinished)
            if face?.ends(with: .finished) ?? true { return finish(.finished) }
        }

        set.reset()
        set.watch(signalFD, POLLIN, as: .signal)
        set.watch(stdinFD, wantsStdin ? POLLIN : 0, as: .stdin)
        // Standard output is written as soon as bytes arrive; it is watched only when it once
        // refused some.
        set.watch(stdout.fd, output.isEmpty && !splice.outputWaitsForStdout ? 0 : POLLOUT, as: .stdout)
        set.watch(listener, acceptPaused ? 0 : POLLIN, as: .listener)
        set.watch(datagramServer, datagramServerEvents, as: .datagramServer)
        if let connecting { set.watch(connecting.fd, POLLOUT, as: .connecting) }
        for (index, dial) in dials.enumerated() { set.watch(dial.fd, POLLOUT, as: .dial(index)) }
        // The face first: what it does now (a connection held or let go, bytes sent) decides
        // what the connections are watched for in this round's poll.
        let faceWake = face?.prepare(self, now: clock(), set: &set)
        let firstConnection = set.count
        let readable = peersReadable
        for (index, connection) in connections.enumerated() where connection.ownsFD {
            let pending = connection.sentUpTo < released || !connection.queued.isEmpty
            let events = connection.stream.events(reading: connection.flow.readOpen && readable && !connection.held,
                                                  writing: connection.flow.writeOpen && pending)
            // A descriptor with nothing asked of it is left out, so a hang-up that cannot be
            // acted on yet does not wake the loop forever.
            set.watch(connection.fd, events, as: .connection(index))
        }
        let connectionEntries = set.count - firstConnection

        flushEvents?()
        guard try set.wait(timeout: wait ? pollTimeout(now: clock(), face: faceWake) : 0) else { return nil }
        // On a timeout every revents is 0 and the next round does the work.
        for entry in 0..<set.count where set.revents(entry) != 0 {
            let revents = set.revents(entry)
            switch set.slots[entry] {
            case .signal:
                let signal = clinux_read_signal(signalFD)
                if signal != 0 && !(face?.handles(signal: signal) ?? false) { return finish(.signal(signal)) }
            case .stdin:
                readInput()
            case .stdout:
                if splice.outputWaitsForStdout { spliceOutput() }
            case .listener:
                try acceptPeers()
            case .datagramServer:
                if revents & (POLLIN | POLLERR) != 0 { receiveDatagrams() }
            case .connecting:
                finishConnecting()
            case .dial:
                break  // below, once: finishing one moves the others' indices
            case .connection:
                break  // below, in turn
            case .face(let slot):
                if let face, let outcome = face.ready(self, slot: slot, revents: revents) { return finish(outcome) }
            }
        }
        // Dials that ended, from the last index down, so that the ones before keep theirs.
        for entry in stride(from: set.count - 1, through: 0, by: -1) where set.revents(entry) != 0 {
            if case .dial(let index) = set.slots[entry] { finishDial(index) }
        }
        // Connections are served from a rotating first one: when the output buffer fills, those
        // left waiting this round go first in the next. Connections that joined above were not
        // polled and keep their indices (new ones are appended), so every index is still valid.
        guard connectionEntries > 0 else { return nil }
        firstServed = (firstServed + 1) % connectionEntries
        for step in 0..<connectionEntries {
            let entry = firstConnection + (firstServed + step) % connectionEntries
            guard case .connection(let index) = set.slots[entry], index < connections.count else { continue }
            let revents = set.revents(entry)
            // Bytes a stage holds decoded already are read without waiting for the descriptor.
            let ready = revents & (POLLIN | POLLHUP | POLLERR) != 0 || (connections[index].stream.buffered > 0 && peersReadable)
            if ready && connections[index].flow.readOpen && !connections[index].held {
                serve(index)
            }
        }
        return nil
    }

    /// Whether connections may be read now: the rules want peer input and received bytes have
    /// somewhere to go.
    var peersReadable: Bool {
        settings.rules.wantsPeerInput(local, stdoutHasRoom: outputHasRoom) && !splice.outputWaitsForStdout
    }

    /// Reads what connection `index` has for us (spliced straight out when nothing must see it).
    func serve(_ index: Int) {
        if splicesOutput { spliceOutputBurst() } else { receive(from: index) }
    }

    /// -w: no byte moved for that long. Pipe mode ends; the screen closes its connections and
    /// stays.
    func idleOut() -> EngineOutcome? {
        guard let face else { return finish(.idleTimeout) }
        while let id = connections.first?.id { remove(id, reason: .idle) }
        return face.ends(with: .idleTimeout) ? finish(.idleTimeout) : nil
    }

    var outputHasRoom: Bool {
        // A datagram needs room for the largest one, or recv() would cut it.
        output.capacity - output.count >= (settings.datagram ? 65536 : 1)
    }

    var datagramServerEvents: Int32 {
        var events: Int32 = 0
        if settings.rules.wantsPeerInput(local, stdoutHasRoom: outputHasRoom) { events |= POLLIN }
        if connections.contains(where: { !$0.ownsFD && $0.flow.writeOpen && ($0.sentUpTo < released || !$0.queued.isEmpty) }) {
            events |= POLLOUT
        }
        return events
    }

    /// Milliseconds until the nearest deadline (-q, -w, -i, the face's), or -1 to wait for I/O.
    func pollTimeout(now: Double, face wake: Double?) -> Int32 {
        if rulesPending { return 0 }
        var nearest = wake ?? Double.infinity
        if let deadline = quitDeadline { nearest = min(nearest, deadline) }
        if let idle = settings.idleTimeout, !connections.isEmpty { nearest = min(nearest, lastActivity + idle) }
        if let idle = settings.idleTimeout, let connecting { nearest = min(nearest, connecting.since + idle) }
        if let due = dialDeadline { nearest = min(nearest, due) }
        if settings.interval != nil && released < inputEndOffset { nearest = min(nearest, nextRelease) }
        // A stage's deadline (a handshake's limit) wakes the loop, for `advance` to end it.
        for connection in connections { if let due = connection.stream.deadline { nearest = min(nearest, due) } }
        // A stage holding decoded bytes must not wait on a descriptor that has nothing more.
        if connections.contains(where: { $0.stream.buffered > 0 && $0.flow.readOpen && !$0.held }) && peersReadable { return 0 }
        guard nearest.isFinite else { return -1 }
        return Milliseconds.clamped(nearest - now)
    }

    /// Per-connection rules after every round: FIN after end of input, closing what is over,
    /// the -q quiet limit, and freeing input every connection has been sent.
    func applyRules() {
        let rules = settings.rules
        if rules.listening && local.stdinOpen && settings.readStdin && connections.contains(where: { !$0.flow.readOpen }) {
            var entry = pollfd(fd: stdinFD, events: Int16(POLLIN), revents: 0)
            local.inputReady = poll(&entry, 1, 0) > 0
        }
        var index = 0
        while index < connections.count {
            connections[index].flow.unsent = inputEndOffset - connections[index].sentUpTo + connections[index].queuedBytes
            if !connections[index].flow.readOpen && !connections[index].reportedEndOfStream {
                connections[index].reportedEndOfStream = true
                report(.endOfStream, index)
                if connections[index].failure == nil { emit(.peerFinished(id: connections[index].id)) }
            }
            if rules.shouldShutDownWrite(local, connections[index].flow) {
                connections[index].stream.finishSending()
                connections[index].flow.writeOpen = false
                report(.shutDown, index)
                emit(.shutDown(id: connections[index].id))
            }
            // Over by the rules — once its stage has sent what it holds (a TLS stage's records).
            if rules.peerFinished(local, connections[index].flow) && !connections[index].stream.owes {
                remove(connections[index].id, reason: closeReason(connections[index]))
                continue
            }
            index += 1
        }
        // Only once input has ended somewhere is the quiet limit worth asking about (no array per
        // round before that). The count starts when the limit applies and at each received byte.
        if case .quit = rules.endOfInput, !local.stdinOpen || connections.contains(where: { !$0.flow.inputOpen }) {
            if let secs = rules.quietLimit(local, peers: connections.map(\.flow)) {
                quietSince = quietSince ?? clock()
                quitDeadline = max(quietSince ?? 0, lastReceived) + secs
            } else {
                quitDeadline = nil
            }
        }
        if retainsInput && input.room < 65536 { retainsInput = false }
        let consumed = retainsInput ? inputStartOffset : (connections.lazy.map(\.sentUpTo).min() ?? inputEndOffset)
        if consumed > inputStartOffset {
            input.didDrain(consumed - inputStartOffset)
            inputStartOffset = consumed
        }
        if input.room < 65536 { input.compact() }
    }

    func closeReason(_ connection: Connection) -> EngineEvent.CloseReason {
        if let failure = connection.stream.failure { return .streamFailed(failure) }
        if let failure = connection.failure { return failure == ECONNRESET ? .resetByPeer : .failed(failure) }
        return connection.flow.closeRequested ? .closedByUs : .finished
    }

    /// Closes a connection and lets it go; accepting resumes if it had stopped for descriptors.
    func remove(_ id: Int, reason: EngineEvent.CloseReason) {
        guard let index = index(of: id) else { return }
        emitNotes(index)
        report(.closing, index)
        let connection = connections.remove(at: index)
        if connection.ownsFD { close(connection.fd) }
        if acceptPaused {
            acceptPaused = false
            emit(.acceptResumed)
        }
        emit(.closed(id: id, peer: connection.address, reason: reason))
    }

    func report(_ kind: SocketEvent.Kind, _ index: Int) {
        guard let onSocketEvent, connections[index].ownsFD, let info = TCPInfoReader.read(connections[index].fd) else { return }
        onSocketEvent(SocketEvent(kind: kind, id: connections[index].id, peer: connections[index].address, info: info))
    }

    /// How long standard output may keep taking received bytes after a signal: a slow reader
    /// still gets what arrived, a stalled one cannot hold the exit past a second.
    static let flushAfterSignal = 0.5

    /// Ends the session: everything received reaches standard output first — waiting for a slow
    /// reader, never past another signal, and after a signal for `flushAfterSignal` at most.
    func finish(_ outcome: EngineOutcome) -> EngineOutcome {
        flushOutput()
        if let failure = stdoutFailure { return .stdoutFailed(failure) }
        guard !output.isEmpty, face == nil else { return outcome }
        var seconds: Double?
        if case .signal = outcome { seconds = Self.flushAfterSignal }
        switch stdout.writeAll(output.readable, signalFD: signalFD, seconds: seconds) {
        case .written:
            output.didDrain(output.count)
            return outcome
        case .timedOut: return outcome
        case .failed(let code): return .stdoutFailed(code)
        case .interrupted(let signal): return .signal(signal)
        }
    }
}
