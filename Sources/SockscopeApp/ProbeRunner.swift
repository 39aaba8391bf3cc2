import CLinux
import Glibc
import SockscopeCore
import SockscopeTransport

/// `sockscope probe`'s probes (issue 24), up to --concurrency at once, each through its phases
/// in one poll loop: the connect (Happy Eyeballs when the name has addresses of both families:
/// the next address 250 ms after the one before, or at once when it failed; the first to
/// connect wins), the TLS handshake (--tls), the request and its first byte (--send, --expect),
/// then — once every probe of the batch has got there, the pool held open together — the close:
/// our FIN until it is acknowledged. Every wait ends at -w or at a signal.
final class ProbeRunner {
    struct Plan {
        /// In trying order.
        var addresses: [SocketAddress]
        var port: UInt16
        var timeout: Double
        var tls: TLSStream.Settings?
        /// -x: the connection's first stage, asking the proxies for the target.
        var proxied: ((Int32) -> any ByteStream)?
        var send: [UInt8]?
        var expect: [UInt8]?
    }

    enum Phase { case connecting, negotiating, handshaking, sending, reading, holding, closing, done }

    final class Probe {
        let started: Double
        var candidates: [(fd: Int32, address: SocketAddress)] = []
        var next = 0
        var nextAt: Double
        var refused = false
        var lastError: Int32?
        var fd: Int32 = -1
        var stream: (any ByteStream)?
        /// The stream when it is TLS (the handshake's phase asks whether it is done).
        var tls: TLSStream? { stream as? TLSStream }
        var phase = Phase.connecting
        var phaseStarted: Double
        var result: ProbeResult
        var sent = 0
        var heard: [UInt8] = []

        init(number: Int, port: UInt16, address: String, now: Double) {
            started = now
            nextAt = now
            phaseStarted = now
            result = ProbeResult(number: number, address: address, port: port, outcome: .connected)
        }
    }

    let plan: Plan
    let clock: () -> Double
    let signalFD: Int32
    let dialer: Dialer
    /// The most of a reply kept while looking for --expect's text.
    static let heardLimit = 64 * 1024
    /// Where every read lands first (one buffer for all probes: one runs at a time).
    var scratch = [UInt8](repeating: 0, count: 16384)

    init(plan: Plan, clock: @escaping () -> Double, signalFD: Int32) {
        self.plan = plan
        self.clock = clock
        self.signalFD = signalFD
        dialer = Dialer(datagram: false, timeout: plan.timeout, source: nil, sourcePort: nil, signalFD: signalFD)
    }

    /// Runs `count` probes, `concurrency` at a time: a batch starts `interval` after the one
    /// before has done its phases (its close overlaps the next batch: a close waits on the
    /// peer, not on us). Each result is told as soon as those before it have been, in order
    /// (`tell` returns an exit status to stop on: standard output failed). Returns a status
    /// when the run must end early.
    func run(count: Int, concurrency: Int, interval: Double, tell: (ProbeResult) -> ExitStatus?) -> ExitStatus? {
        let first = plan.addresses.first?.numericHost ?? "?"
        var probes: [Probe] = []
        defer { for probe in probes { release(probe) } }
        var nextNumber = 1, nextToTell = 1
        var nextBatchAt: Double? = clock()
        /// The probes of the batch still doing their phases (the pool not yet closed).
        var batch: [Probe] = []
        var fds: [pollfd] = []
        var owners: [(probe: Int, candidate: Int?)] = []
        while true {
            let now = clock()
            if let at = nextBatchAt, now >= at, nextNumber <= count {
                let last = min(count, nextNumber + concurrency - 1)
                batch = (nextNumber...last).map { Probe(number: $0, port: plan.port, address: first, now: now) }
                probes += batch
                nextNumber = last + 1
                nextBatchAt = nil
            }
            for probe in probes where probe.phase != .done { step(probe, now: now) }
            // The pool: held open together until every probe of the batch has got this far.
            if !batch.isEmpty && batch.allSatisfy({ $0.phase == .holding || $0.phase == .done || $0.phase == .closing }) {
                for probe in batch where probe.phase == .holding { startClosing(probe, now: now) }
                batch = []
                if nextNumber <= count { nextBatchAt = clock() + interval }
            }
            while let done = probes.first(where: { $0.result.number == nextToTell }), done.phase == .done {
                nextToTell += 1
                release(done)
                probes.removeAll { $0 === done }
                if let status = tell(done.result) { return status }
            }
            if probes.isEmpty && nextNumber > count { return nil }
            fds.removeAll(keepingCapacity: true)
            owners.removeAll(keepingCapacity: true)
            fds.append(pollfd(fd: signalFD, events: Int16(POLLIN), revents: 0))
            owners.append((-1, nil))
            var wake = nextBatchAt ?? Double.infinity
            for (index, probe) in probes.enumerated() where probe.phase != .done {
                wake = min(wake, deadline(of: probe))
                switch probe.phase {
                case .connecting:
                    for (slot, candidate) in probe.candidates.enumerated() {
                        fds.append(pollfd(fd: candidate.fd, events: Int16(POLLOUT), revents: 0))
                        owners.append((index, slot))
                    }
                    if probe.next < plan.addresses.count { wake = min(wake, probe.nextAt) }
                case .negotiating, .handshaking, .sending, .reading:
                    let events = probe.stream?.events(reading: probe.phase != .sending, writing: probe.phase == .sending) ?? 0
                    fds.append(pollfd(fd: probe.fd, events: Int16(truncatingIfNeeded: events), revents: 0))
                    owners.append((index, nil))
                case .closing:
                    // No event says "our FIN was acknowledged": TCP_INFO is looked at every
                    // 100 µs at first, less often as the wait grows (at most every ms).
                    wake = min(wake, now + min(0.001, max(0.0001, (now - probe.phaseStarted) / 8)))
                case .holding, .done:
                    break
                }
            }
            // To the microsecond (a loopback close takes tens of them), at most a day at a time.
            let timeout: Int64 = wake.isFinite ? Int64(min(86400, max(0, wake - clock())) * 1e9) : -1
            let ready = clinux_poll_ns(&fds, UInt(fds.count), timeout)
            if ready < 0 && errno != EINTR { return .failure }
            guard ready > 0 else { continue }
            if fds[0].revents != 0 {
                let signal = clinux_read_signal(signalFD)
                if signal != 0 { return .signal(signal) }
            }
            for entry in 1..<fds.count where fds[entry].revents != 0 {
                let owner = owners[entry]
                let probe = probes[owner.probe]
                // Each its own time: probes ready in the same wake are not made equal.
                let later = clock()
                switch probe.phase {
                case .connecting:
                    if let slot = owner.candidate { finishConnect(probe, slot: slot, fd: fds[entry].fd, now: later) }
                case .negotiating: negotiate(probe, now: later)
                case .handshaking: handshake(probe, now: later)
                case .sending: sendRequest(probe, now: later)
                case .reading: readReply(probe, now: later)
                case .holding, .closing, .done: break
                }
            }
        }
    }

    /// When the probe's current wait ends.
    func deadline(of probe: Probe) -> Double {
        switch probe.phase {
        case .connecting: probe.started + plan.timeout
        case .negotiating, .handshaking, .sending, .reading, .closing: probe.phaseStarted + plan.timeout
        case .holding, .done: .infinity
        }
    }

    /// What time alone moves: the next address of a race, a wait past -w, a close acknowledged.
    /// (What the socket moves is handled when poll says it is ready, not here.)
    func step(_ probe: Probe, now: Double) {
        let late = now >= deadline(of: probe)
        let limit = Seconds.text(plan.timeout)
        switch probe.phase {
        case .connecting:
            if late {
                // SYNs sent for it (TCP_INFO of the last address still waiting): none answered.
                if let last = probe.candidates.last { probe.result.synRetransmits = Int(TCPInfoReader.read(last.fd)?.totalRetransmits ?? 0) }
                closeCandidates(probe)
                probe.result.outcome = .filtered
                probe.result.why = "within \(limit) s"
                probe.phase = .done
                return
            }
            if probe.next < plan.addresses.count && (now >= probe.nextAt || probe.candidates.isEmpty) { startCandidate(probe, now: now) }
            if probe.candidates.isEmpty && probe.next >= plan.addresses.count && probe.phase == .connecting { connectFailed(probe, now: now) }
        case .negotiating where late:
            // The proxy's stage says why in its own words when it can; else this.
            negotiate(probe, now: now)
            if probe.phase == .negotiating { fail(probe, "proxy: no answer within \(limit) s") }
        case .handshaking where late:
            fail(probe, "TLS: handshake not done within \(limit) s")
        case .sending where late:
            fail(probe, "the request not taken within \(limit) s")
        case .reading where late:
            fail(probe, plan.expect.map { "no '\(String(decoding: $0, as: UTF8.self))' within \(limit) s" } ?? "no byte within \(limit) s")
        case .closing:
            _ = probe.stream?.advance()
            let state = TCPInfoReader.read(probe.fd)?.state
            // FIN_WAIT2, TIME_WAIT, CLOSE: our FIN has been acknowledged (LAST_ACK and CLOSING wait).
            if let state, state == .finWait2 || state == .timeWait || state == .close {
                probe.result.close = now - probe.phaseStarted
                finish(probe)
            } else if late {
                probe.result.why = "our FIN not acknowledged within \(limit) s"
                finish(probe)
            }
        case .negotiating, .handshaking, .sending, .reading, .holding, .done:
            break
        }
    }

    func startCandidate(_ probe: Probe, now: Double) {
        let address = plan.addresses[probe.next]
        probe.next += 1
        probe.nextAt = now + ProbeOrder.attemptDelay
        if probe.candidates.isEmpty && probe.next == 1 { probe.result.address = address.numericHost }
        probe.result.attempts = probe.next
        switch dialer.start(to: address) {
        case .success(let started):
            probe.candidates.append((started.fd, address))
            if started.connected { connected(probe, slot: probe.candidates.count - 1, now: clock()) }
        case .failure(.refused(let error)):
            if error.code == ECONNREFUSED { probe.refused = true }
            probe.lastError = error.code
            probe.nextAt = now
        case .failure:
            probe.nextAt = now
        }
    }

    func finishConnect(_ probe: Probe, slot: Int, fd: Int32, now: Double) {
        guard slot < probe.candidates.count, probe.candidates[slot].fd == fd else { return }
        let code = Socket.pendingError(fd)
        if code == 0 {
            connected(probe, slot: slot, now: now)
            return
        }
        close(fd)
        probe.candidates.remove(at: slot)
        if code == ECONNREFUSED { probe.refused = true }
        probe.lastError = code
        probe.nextAt = now  // the next address at once (RFC 8305 §5)
    }

    /// Every address failed at once or was refused.
    func connectFailed(_ probe: Probe, now: Double) {
        probe.result.connect = now - probe.started
        if probe.refused {
            probe.result.outcome = .refused
        } else {
            probe.result.outcome = .failed
            probe.result.why = String(cString: strerror(probe.lastError ?? ECONNREFUSED))
        }
        probe.phase = .done
    }

    func connected(_ probe: Probe, slot: Int, now: Double) {
        let winner = probe.candidates.remove(at: slot)
        closeCandidates(probe)
        probe.fd = winner.fd
        probe.result.address = winner.address.numericHost
        probe.result.connect = now - probe.started
        // SYNs sent again before the answer: a lost SYN costs a second the time alone would hide.
        probe.result.synRetransmits = Int(TCPInfoReader.read(winner.fd)?.totalRetransmits ?? 0)
        probe.phaseStarted = now
        if let proxied = plan.proxied {
            probe.stream = proxied(winner.fd)
            probe.phase = .negotiating
            negotiate(probe, now: now)
            return
        }
        probe.stream = PlainStream(fd: winner.fd)
        startTLS(probe, now: now)
    }

    /// After the connect (and the proxies): the TLS handshake when asked, else what follows it.
    func startTLS(_ probe: Probe, now: Double) {
        guard let lower = probe.stream else { return }
        probe.phaseStarted = now
        if var settings = plan.tls {
            settings.handshakeLimit = plan.timeout
            do {
                probe.stream = try TLSStream(lower: lower, settings: settings)
                probe.phase = .handshaking
                handshake(probe, now: now)
            } catch {
                fail(probe, error.description)
            }
            return
        }
        afterHandshake(probe, now: now)
    }

    func closeCandidates(_ probe: Probe) {
        for candidate in probe.candidates { close(candidate.fd) }
        probe.candidates.removeAll()
    }

    /// At the end, whatever happened: nothing left open.
    func release(_ probe: Probe) {
        closeCandidates(probe)
        if probe.fd >= 0 { close(probe.fd) }
        probe.fd = -1
    }
}
