import CLinux
import Glibc
import SockscopeCore

extension PipeLoop {
    /// The poll slots, named as in nc; peers follow the fixed slots, in `peers` order.
    enum Slot { case signal, stdin, stdout, listener, datagramServer, peer(Int) }

    /// Runs until the session is over. Everything received is on standard output when it returns.
    public func run() throws(SystemError) -> PipeOutcome {
        defer { stdout.release() }
        var set = PollSet<Slot>()
        while true {
            if let outcome = try step(&set, wait: true) { return outcome }
        }
    }

    /// One round: the rules, then one poll() (waiting up to the nearest deadline when `wait`),
    /// then the I/O it reported. Returns the outcome once the session is over.
    func step(_ set: inout PollSet<Slot>, wait: Bool) throws(SystemError) -> PipeOutcome? {
        let now = clock()
        if let deadline = quitDeadline, now >= deadline { return finish(.quitAfterEOF) }
        if let idle = settings.idleTimeout, !peers.isEmpty, now - lastActivity >= idle {
            return finish(.idleTimeout)
        }
        // Move what can move without waiting, then apply the rules to the result: every round
        // passes here, whether poll() returned for I/O or for a deadline.
        releaseLines(now: now)
        flushOutput()
        sendToPeers()
        applyRules()
        if let failure = stdoutFailure { return finish(.stdoutFailed(failure)) }
        if let signal = recorder?.interruption { return finish(.signal(signal)) }
        if settings.rules.sessionFinished(local, peersLeft: peers.count, everConnected: everConnected) {
            return finish(.finished)
        }

        set.reset()
        set.watch(signalFD, POLLIN, as: .signal)
        set.watch(stdinFD, wantsStdin && !splice.inputWaitsForSocket ? POLLIN : 0, as: .stdin)
        // Standard output is written as soon as bytes arrive; it is watched only when it once
        // refused some.
        set.watch(stdout.fd, output.isEmpty && !splice.outputWaitsForStdout ? 0 : POLLOUT, as: .stdout)
        set.watch(listener, acceptPaused ? 0 : POLLIN, as: .listener)
        set.watch(datagramServer, datagramServerEvents, as: .datagramServer)
        let firstPeerEntry = set.count
        let peerReadable = settings.rules.wantsPeerInput(local, stdoutHasRoom: outputHasRoom)
            && !splice.outputWaitsForStdout
        for (index, peer) in peers.enumerated() where peer.ownsFD {
            var events: Int32 = 0
            if peer.flow.readOpen && peerReadable { events |= POLLIN }
            if peer.flow.writeOpen && (peer.sentUpTo < released || splice.inputWaitsForSocket) { events |= POLLOUT }
            // A descriptor with nothing asked of it is left out, so a hang-up that cannot be
            // acted on yet does not wake the loop forever.
            set.watch(peer.fd, events, as: .peer(index))
        }

        guard try set.wait(timeout: wait ? pollTimeout(now: clock()) : 0) else { return nil }
        // On a timeout every revents is 0 and the next round does the work.
        for entry in 0..<firstPeerEntry where set.revents(entry) != 0 {
            let revents = set.revents(entry)
            switch set.slots[entry] {
            case .signal:
                let signal = clinux_read_signal(signalFD)
                if signal != 0 { return finish(.signal(signal)) }
            case .stdin:
                if splicesInput { spliceInputBurst() } else { readInput() }
            case .stdout:
                if splice.outputWaitsForStdout { spliceOutput() }
            case .listener:
                try acceptPeers()
            case .datagramServer:
                if revents & (POLLIN | POLLERR) != 0 { receiveDatagrams() }
            case .peer:
                break
            }
        }
        // Peers are served from a rotating first one: when the output buffer fills, those left
        // waiting this round go first in the next. Peers accepted above were not polled and keep
        // their indices (new ones are appended), so every index here is still valid.
        let peerEntries = set.count - firstPeerEntry
        guard peerEntries > 0 else { return nil }
        firstServed = (firstServed + 1) % peerEntries
        for step in 0..<peerEntries {
            let entry = firstPeerEntry + (firstServed + step) % peerEntries
            guard case .peer(let index) = set.slots[entry] else { continue }
            let revents = set.revents(entry)
            if revents & POLLOUT != 0 && splice.inputWaitsForSocket { spliceInputBurst() }
            if revents & (POLLIN | POLLHUP | POLLERR) != 0 && peers[index].flow.readOpen {
                if splicesOutput { spliceOutputBurst() } else { receive(from: index) }
            }
        }
        return nil
    }

    var outputHasRoom: Bool {
        // A datagram needs room for the largest one, or recv() would cut it.
        output.capacity - output.count >= (settings.datagram ? 65536 : 1)
    }

    var datagramServerEvents: Int32 {
        var events: Int32 = 0
        if settings.rules.wantsPeerInput(local, stdoutHasRoom: outputHasRoom) { events |= POLLIN }
        if peers.contains(where: { !$0.ownsFD && $0.flow.writeOpen && $0.sentUpTo < released }) {
            events |= POLLOUT
        }
        return events
    }

    /// Milliseconds until the nearest deadline (-q, -w, -i), or -1 to wait for I/O alone.
    func pollTimeout(now: Double) -> Int32 {
        var nearest = Double.infinity
        if let deadline = quitDeadline { nearest = min(nearest, deadline) }
        if let idle = settings.idleTimeout, !peers.isEmpty { nearest = min(nearest, lastActivity + idle) }
        if settings.interval != nil && released < inputEndOffset { nearest = min(nearest, nextRelease) }
        guard nearest.isFinite else { return -1 }
        return Milliseconds.clamped(nearest - now)
    }

    /// Per-connection rules after every round: FIN after end of input, closing what is over,
    /// starting the -q countdown, and freeing input every peer has been sent.
    func applyRules() {
        let rules = settings.rules
        if rules.listening && local.stdinOpen && peers.contains(where: { !$0.flow.readOpen }) {
            var entry = pollfd(fd: stdinFD, events: Int16(POLLIN), revents: 0)
            local.inputReady = poll(&entry, 1, 0) > 0
        }
        var index = 0
        while index < peers.count {
            peers[index].flow.unsent = inputEndOffset - peers[index].sentUpTo
            if !peers[index].flow.readOpen && !peers[index].reportedEndOfStream {
                peers[index].reportedEndOfStream = true
                report(.endOfStream, index)
            }
            if rules.shouldShutDownWrite(local, peers[index].flow) {
                shutdown(peers[index].fd, Int32(SHUT_WR))
                peers[index].flow.writeOpen = false
                report(.shutDown, index)
            }
            if rules.peerFinished(local, peers[index].flow) {
                report(.closing, index)
                let peer = peers.remove(at: index)
                if peer.ownsFD { close(peer.fd) }
                acceptPaused = false
                if settings.rules.keepListening, let address = peer.address { onEvent(.closed(address)) }
                continue
            }
            index += 1
        }
        // Only once input has ended is the quiet limit worth asking about (no array per round
        // before that). The count starts when the limit applies and again at each received byte.
        if !local.stdinOpen, case .quit = rules.endOfInput {
            if let secs = rules.quietLimit(local, peers: peers.map(\.flow)) {
                quietSince = quietSince ?? clock()
                quitDeadline = max(quietSince ?? 0, lastReceived) + secs
            } else {
                quitDeadline = nil
            }
        }
        if retainsInput && input.room < 65536 { retainsInput = false }
        let consumed = retainsInput ? inputStartOffset : (peers.lazy.map(\.sentUpTo).min() ?? inputEndOffset)
        if consumed > inputStartOffset {
            input.didDrain(consumed - inputStartOffset)
            inputStartOffset = consumed
        }
        if input.room < 65536 { input.compact() }
    }

    /// How long standard output may keep taking received bytes after a signal: a slow reader
    /// still gets what arrived, a stalled one cannot hold the exit past a second.
    static let flushAfterSignal = 0.5

    /// Ends the session: everything received reaches standard output first — waiting for a slow
    /// reader, never past another signal, and after a signal for `flushAfterSignal` at most.
    func finish(_ outcome: PipeOutcome) -> PipeOutcome {
        flushOutput()
        if let failure = stdoutFailure { return .stdoutFailed(failure) }
        guard !output.isEmpty else { return outcome }
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
