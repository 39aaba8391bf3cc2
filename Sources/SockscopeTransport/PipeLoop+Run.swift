import CLinux
import Glibc
import SockscopeCore

extension PipeLoop {
    /// The poll slots, named as in nc. Peers follow the fixed slots, in `peers` order.
    enum Slot: Int, CaseIterable { case signal, stdin, stdout, listener, datagramServer }

    /// Runs until the session is over. Everything received is on standard output when it returns.
    public func run() throws(SystemError) -> PipeOutcome {
        var fds = [pollfd](repeating: pollfd(fd: -1, events: 0, revents: 0), count: Slot.allCases.count)
        while true {
            let now = clock()
            if let deadline = quitDeadline, now >= deadline { return finish(.quitAfterEOF) }
            if let idle = settings.idleTimeout, !peers.isEmpty, now - lastActivity >= idle {
                return finish(.idleTimeout)
            }
            // Move what can move without waiting, then apply the rules to the result: every
            // round passes here, whether poll() returned for I/O or for a deadline.
            releaseLines(now: now)
            flushOutput()
            sendToPeers()
            applyRules()
            if settings.rules.sessionFinished(peersLeft: peers.count, everConnected: everConnected) {
                return finish(.finished)
            }

            fds.removeSubrange(Slot.allCases.count...)
            watch(&fds, .signal, signalFD, POLLIN)
            watch(&fds, .stdin, stdinFD, wantsStdin && !splice.inputWaitsForSocket ? POLLIN : 0)
            // Standard output is written as soon as bytes arrive; it is watched only when a
            // non-blocking stdout once refused some.
            watch(&fds, .stdout, stdoutFD, output.isEmpty && !splice.outputWaitsForStdout ? 0 : POLLOUT)
            watch(&fds, .listener, listener, acceptPaused ? 0 : POLLIN)
            watch(&fds, .datagramServer, datagramServer, datagramServerEvents)
            let peerReadable = settings.rules.wantsPeerInput(local, stdoutHasRoom: outputHasRoom)
                && !splice.outputWaitsForStdout
            for peer in peers where peer.ownsFD {
                var events: Int16 = 0
                if peer.flow.readOpen && peerReadable { events |= Int16(POLLIN) }
                if peer.flow.writeOpen && (peer.sentUpTo < released || splice.inputWaitsForSocket) {
                    events |= Int16(POLLOUT)
                }
                // A descriptor with nothing asked of it is left out, so a hang-up that cannot
                // be acted on yet does not wake the loop forever.
                fds.append(pollfd(fd: events == 0 ? -1 : peer.fd, events: events, revents: 0))
            }

            let ready = poll(&fds, nfds_t(fds.count), pollTimeout(now: clock()))
            if ready < 0 {
                if errno == EINTR { continue }
                throw SystemError("poll")
            }
            // On a timeout every revents is 0 and the next round does the work.

            if fds[Slot.signal.rawValue].revents != 0 {
                let signal = clinux_read_signal(signalFD)
                if signal != 0 { return finish(.signal(signal)) }
            }
            // Peers added below (accepted, or first heard) were not polled this round.
            let polledPeers = peers.count
            if fds[Slot.stdin.rawValue].revents != 0 {
                if splicesInput { spliceInputBurst() } else { readInput() }
            }
            if fds[Slot.stdout.rawValue].revents != 0 && splice.outputWaitsForStdout { spliceOutput() }
            if fds[Slot.listener.rawValue].revents != 0 { try acceptPeers() }
            if fds[Slot.datagramServer.rawValue].revents & Int16(POLLIN | POLLERR) != 0 { receiveDatagrams() }
            var slot = Slot.allCases.count
            for index in 0..<polledPeers where peers[index].ownsFD {
                let revents = fds[slot].revents
                slot += 1
                if revents & Int16(POLLOUT) != 0 && splice.inputWaitsForSocket { spliceInputBurst() }
                if revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 && peers[index].flow.readOpen {
                    if splicesOutput { spliceOutputBurst() } else { receive(from: index) }
                }
            }
        }
    }

    func watch(_ fds: inout [pollfd], _ slot: Slot, _ fd: Int32, _ events: Int32) {
        fds[slot.rawValue] = pollfd(fd: events == 0 ? -1 : fd, events: Int16(events), revents: 0)
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
        let ms = ((nearest - now) * 1000).rounded(.up)
        return Int32(max(0, min(ms, Double(Int32.max))))
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
        // Only once input has ended is the countdown worth asking about (no array per round).
        if quitDeadline == nil, !local.stdinOpen, let secs = rules.quitCountdown(local, peers: peers.map(\.flow)) {
            quitDeadline = clock() + secs
        }
        let consumed = peers.lazy.map(\.sentUpTo).min() ?? inputEndOffset
        if consumed > inputStartOffset {
            input.didDrain(consumed - inputStartOffset)
            inputStartOffset = consumed
        }
        if input.room < 65536 { input.compact() }
    }

    /// Ends the session: everything received reaches standard output first.
    func finish(_ outcome: PipeOutcome) -> PipeOutcome {
        while !output.isEmpty && local.stdoutOpen {
            flushOutput()
            if !output.isEmpty {
                var fd = pollfd(fd: stdoutFD, events: Int16(POLLOUT), revents: 0)
                _ = poll(&fd, 1, -1)
            }
        }
        return outcome
    }
}
