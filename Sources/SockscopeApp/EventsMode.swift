import CLinux
import Glibc
import SockscopeCore
import SockscopeTransport

/// `sockscope states --events`: transitions as they happen, from the tracepoint (as root) and from
/// /proc polling, until a signal or --duration.
struct EventsMode {
    let options: StatesMode.Options
    let io: SystemIO

    /// Why the stream stopped before --duration: a signal, or a standard output that failed.
    struct Stop: Error { let status: ExitStatus }

    func run() -> ExitStatus {
        OutputLines.ignoreBrokenPipe()
        let signals = SystemIO.endingSignals
        let signalFD = io.signalDescriptor(signals)
        defer { if signalFD >= 0 { close(signalFD) } }
        let log = Diagnostics(fd: io.stderr, verbose: true)
        let wish = options.segments || options.pcapPath != nil
            ? KernelSources.CaptureWish(payload: options.pcapPayload, port: options.filter.port, pcapPath: options.pcapPath,
                                        requiredBy: options.pcapPath != nil ? "--pcap" : nil)
            : nil
        let started = KernelSources.start(io, capture: wish, signalFD: signalFD, log: log)
        if let refusal = started.refusal { return refusal }
        let sources = started.sources
        defer { sources.stop() }
        let trace = sources.trace, capture = sources.capture
        var unavailable: [(source: String, reason: String)] = []
        if let reason = trace?.bpfUnavailable { unavailable.append(("ebpf", reason)) }
        if let reason = sources.traceOff { unavailable += [("ebpf", reason), ("tracefs", reason)] }
        if let reason = sources.captureOff { unavailable.append(("capture", reason)) }
        let out = Output(stdout: StandardOutput(io.stdout), signalFD: signalFD, log: log, json: options.json)
        do {
            try announce(tracing: trace?.origin, capturing: capture != nil, unavailable: unavailable, to: out)
            try stream(trace: trace, capture: capture, signalFD: signalFD, to: out)
        } catch {
            return error.status
        }
        return .success
    }

    func stream(trace: (any TransitionFeed)?, capture: (any SegmentFeed)?, signalFD: Int32, to out: Output) throws(Stop) {
        let start = io.monotonic()
        let wallOffset = io.wallClock() - start
        let reader = io.openSocketTable(options.procRoot)
        var differ = SnapshotDiffer()
        // What ended an ending: the RSTs the capture sees, or those the kernel reports (eBPF).
        var observer = TransitionObserver(tracing: trace != nil, patience: trace?.fusionPatience ?? TransitionFusion.tracefsPatience,
                                          capturing: capture != nil, kernelResets: trace?.reportsResets ?? false,
                                          wallOffset: wallOffset)
        var roles = RoleMemory()
        var attribution = Attribution(root: options.procRoot)
        // The tables are read at once, then every `tableInterval` — or every --interval while an
        // ending waits on a reading to settle it.
        var lastPoll: Double?
        let relaxed = tableInterval(tracing: trace != nil)
        var nextPoll: Double {
            guard let lastPoll else { return start }
            return lastPoll + (observer.heldCount > 0 ? options.interval : relaxed)
        }
        let deadline = options.duration.map { start + $0 }
        var set = PollSet<Int>()
        var lines = ""
        // A round's transitions and segments, put in time order before they are written.
        var round: [(time: Double, line: String)] = []
        // Once the stream is to end (a signal, --duration), what the kernel still holds is read
        // for at most `drainSeconds`, then what is left is told (`tellLeftover`), never dropped
        // in silence; `stop` is how it ends then (nil: --duration, exit 0).
        var ending: (stop: Stop?, until: Double)?
        var drained = false
        // Records read from the tracepoint and not yet fused (see the slices below).
        var backlog: [TraceEvent] = []
        // With the kernel's resets (eBPF), an ending read within `resetWait` of its time waits
        // for the next read, until then.
        let kernelResets = trace?.reportsResets == true
        var endingWaits: Double?

        /// A table reading: what the tables add, and the endings it settles.
        func readTables(at now: Double) {
            let entries = reader.read(options.filter.protocols)
            attribution.update(entries, now: now)
            for transition in observer.tables(differ.update(entries, at: now), reading: entries, at: now,
                                              lookUp: trace.map { source in { source.state(of: $0) } }) {
                emit(transition, wallOffset: wallOffset, observer: observer, roles: &roles, attribution: &attribution, into: &round)
            }
        }

        /// Transitions the tables proved and the tracepoint never reported: counted, never silent.
        func tellMissed() throws(Stop) {
            let missed = observer.takeMissed()
            if missed > 0 { try out.lost(missed, unreported: true, pending: &lines) }
        }

        /// The round's lines, in time order, onto what is to be written.
        func flushRound() {
            for (_, line) in round.sorted(by: { $0.time < $1.time }) { lines += line }
            round.removeAll(keepingCapacity: true)
        }

        while true {
            let now = io.monotonic()
            if ending == nil, let deadline, now >= deadline { ending = (nil, now + Self.drainSeconds) }
            if let ending, drained || now >= ending.until {
                // A last reading settles the endings still held for one; those it cannot are told.
                readTables(at: now)
                for transition in observer.unsettled() {
                    emit(transition, wallOffset: wallOffset, observer: observer, roles: &roles, attribution: &attribution, into: &round)
                }
                try tellMissed()
                flushRound()
                try tellLeftover(trace, to: out, pending: &lines, unfused: backlog.count, held: observer.heldCount)
                if let stop = ending.stop { throw stop }
                return
            }
            if now >= nextPoll {
                readTables(at: now)
                lastPoll = now
                try tellMissed()
            }
            flushRound()
            try out.write(&lines)
            set.reset()
            set.watch(signalFD, POLLIN, as: -1)
            for fd in trace?.descriptors ?? [] { set.watch(fd, POLLIN, as: Int(fd)) }
            if let capture { set.watch(capture.descriptor, POLLIN, as: Int(capture.descriptor)) }
            let wake = ending != nil ? io.monotonic() : min(nextPoll, deadline ?? nextPoll, endingWaits ?? nextPoll)
            guard (try? set.wait(timeout: Milliseconds.clamped(wake - io.monotonic()))) == true else { continue }
            // A signal ends the stream once what is buffered is read; the process then dies by it
            // (EXIT STATUS). A second signal ends it at once.
            if set.revents(of: -1) != 0 {
                let signal = clinux_read_signal(signalFD)
                if signal != 0 {
                    if ending?.stop != nil {
                        flushRound()
                        try tellLeftover(trace, to: out, pending: &lines, unfused: backlog.count, held: observer.heldCount)
                        throw Stop(status: .signal(signal))
                    }
                    ending = (Stop(status: .signal(signal)), io.monotonic() + Self.drainSeconds)
                }
            }
            var quiet = ending != nil
            // Read the tracepoint when it has something, and at every table reading (verdicts
            // on other namespaces' sockets fall due with time) — and at every round of the end.
            let sourceReady = set.slots.indices.contains { set.slots[$0] != -1 && set.revents($0) != 0 }
            if let trace, ending != nil || sourceReady || io.monotonic() >= nextPoll {
                // At the end, small rounds: the time left is looked at between them. (Smaller
                // rounds throughout would see a signal sooner, but each round rescans the
                // namespace sieve: measured, 32 pages a CPU lost a third of a 15,000/s burst.)
                let batch = trace.read(now: io.monotonic(), pages: ending == nil ? 256 : 8)
                if !batch.events.isEmpty { quiet = false }
                if batch.lost > 0 { try out.lost(batch.lost, pending: &lines) }
                if batch.notices { out.log.error(TraceSource.noticesLostText) }
                for retransmit in batch.retransmits where retransmit.matches(options.filter) {
                    let wall = retransmit.time + wallOffset
                    round.append((wall, (options.json ? retransmit.json(wallTime: wall).text
                                                      : retransmit.line(clock: ClockText.timeOfDay(wall))) + "\n"))
                }
                for reset in batch.resets { observer.saw(reset) }
                backlog += batch.events
            }
            // The segments read after the tracepoint, so that the RST behind an ending read there is
            // known when the ending is explained (a socket's state changes before its RST leaves).
            if let capture {
                let batch = capture.read(keep: options.filter.matches)
                if !batch.segments.isEmpty { quiet = false }
                if batch.dropped > 0 { try out.lost(batch.dropped, frames: true, pending: &lines) }
                if let failure = batch.pcapFailure { out.log.error(failure) }
                for segment in batch.segments {
                    observer.saw(segment)
                    if options.segments { emit(segment, into: &round) }
                }
            }
            // Records read are fused and told in slices, a glance at the signals between them: a
            // burst's backlog (a second of work) must not keep a signal waiting. What is not told
            // when the stream ends is counted with the lost.
            var told = 0
            endingWaits = nil
            while told < backlog.count && endingWaits == nil {
                let end = min(backlog.count, told + Self.slice)
                for event in backlog[told..<end] {
                    // The kernel reports a RST a few microseconds after the state change it causes
                    // (an abort closes, then resets): a fresh ending waits for the next read, so
                    // that its cause is the RST's and not "no reset". Never at the stream's end.
                    if kernelResets, ending == nil, event.to == .close, io.monotonic() - event.time < TransitionObserver.resetWait {
                        endingWaits = event.time + TransitionObserver.resetWait
                        break
                    }
                    for transition in observer.traced(event) {
                        emit(transition, wallOffset: wallOffset, observer: observer, roles: &roles, attribution: &attribution, into: &round)
                    }
                    told += 1
                }
                if let ending { if io.monotonic() >= ending.until { break } } else if Self.signalWaiting(signalFD) { break }
            }
            backlog.removeFirst(told)
            if !backlog.isEmpty { quiet = false }
            // Drained: a round of the end read nothing, and the kernel's buffers are empty.
            drained = quiet && (trace?.leftover().unread ?? 0) == 0
        }
    }

    /// How often the tables are read while no ending waits on a reading. With the tracepoint on
    /// and only TCP asked for, every transition comes from the kernel and the tables only place
    /// timewait sockets (their FIN_WAIT2 → TIME_WAIT, their expiry): once a second is enough. A
    /// TCP table dump walks the kernel's whole connection hash, every namespace's (about 1 ms
    /// here): ten a second would be most of what a reader of a quiet namespace costs.
    func tableInterval(tracing: Bool) -> Double {
        let tcpOnly = !options.filter.includes(.udp) && !options.filter.includes(.udp6)
        return tracing && tcpOnly ? max(options.interval, Self.relaxedInterval) : options.interval
    }

    static let relaxedInterval = 1.0

    /// How long the end of a stream may read what the kernel still holds: short enough that a
    /// signal ends the tool within the second promised, with the slice under way when it came
    /// and the removal of the tracing instance.
    static let drainSeconds = 0.5
    /// Records fused and told between two glances at the signals (about 0.1 s of work).
    static let slice = 1024

    /// Whether a signal waits on the signalfd (it is read by the loop's next poll).
    static func signalWaiting(_ signalFD: Int32) -> Bool {
        var entry = pollfd(fd: signalFD, events: Int16(POLLIN), revents: 0)
        return signalFD >= 0 && poll(&entry, 1, 0) == 1
    }

    /// The stream's last lines: what it leaves as it ends — records still unread in the kernel's
    /// buffers or read and not yet told (lost), and transitions read but not yet placed: in a
    /// namespace (they may be another namespace's), or, for an ending `held` for a table
    /// reading, as a close or a handoff to TIME_WAIT. Nothing is told when nothing is left.
    func tellLeftover(_ trace: (any TransitionFeed)?, to out: Output, pending lines: inout String, unfused: Int, held: Int) throws(Stop) {
        if let trace {
            let (unread, unplaced) = trace.leftover()
            if unread + unfused > 0 { try out.lost(unread + unfused, atEnd: true, pending: &lines) }
            if unplaced + held > 0 { try out.unplaced(unplaced + held, pending: &lines) }
        }
        try out.write(&lines)
    }

    /// Standard output for the stream: lines wait for a slow reader, but never past a signal; a
    /// failed write ends the stream with one line and status 1. A round's lines leave together.
    struct Output {
        let stdout: StandardOutput
        let signalFD: Int32
        let log: Diagnostics
        let json: Bool

        func write(_ text: inout String) throws(Stop) {
            guard !text.isEmpty else { return }
            defer { text.removeAll(keepingCapacity: true) }
            if let status = OutputLines.write(text, to: stdout, signalFD: signalFD, log: log) { throw Stop(status: status) }
        }

        /// The kernel lost records (`events`, the trace buffer's) or frames (`frames`, the
        /// capture's): in the stream for JSON, on standard error for people. `atEnd`: records
        /// still unread in the buffer when the stream ended (`"at":"end"`). `unreported`:
        /// transitions the tables prove and the tracepoint never reported (`"at":"unreported"`).
        func lost(_ count: Int, frames: Bool = false, atEnd: Bool = false, unreported: Bool = false,
                  pending lines: inout String) throws(Stop) {
            let at = atEnd ? "end" : unreported ? "unreported" : nil
            if json {
                lines += JSONValue.object([("kind", .string("lost")), (frames ? "frames" : "events", .int(count))]
                                          + (at.map { [("at", .string($0))] } ?? [])).text + "\n"
            } else {
                try write(&lines)
                log.error(frames ? "\(count) frames lost: the capture's buffer overran while the reader fell behind"
                          : atEnd ? "\(count) transitions lost: still in the kernel's trace buffer when the stream ended"
                          : unreported ? "\(count) transitions lost: the tables show they happened, the tracepoint never reported them"
                                  : "\(count) transitions lost: the kernel's trace buffer overran while the reader fell behind")
            }
        }

        /// Transitions the stream read but could not place in a namespace before it ended.
        func unplaced(_ count: Int, pending lines: inout String) throws(Stop) {
            if json {
                lines += JSONValue.object([("kind", .string("unplaced")), ("events", .int(count))]).text + "\n"
            } else {
                try write(&lines)
                log.error("\(count) transitions read as the stream ended are not shown: their namespace was not known yet "
                          + "(they may be another namespace's)")
            }
        }
    }

    func announce(tracing: TraceSource.Origin?, capturing: Bool, unavailable: [(source: String, reason: String)],
                  to out: Output) throws(Stop) {
        let sources = (tracing.map { [$0.rawValue] } ?? []) + ["proc"] + (capturing ? ["capture"] : [])
        if options.json {
            let start = JSONValue.object([("kind", .string("start")), ("sources", .array(sources.map { .string($0) })),
                                          ("unavailable", .object(unavailable.map { ($0.source, .string($0.reason)) }))])
            var line = start.text + "\n"
            try out.write(&line)
        } else {
            // A readiness line, as tcpdump's "listening on": from here on, nothing is missed.
            out.log.write("Watching TCP\(options.filter.includes(.udp) || options.filter.includes(.udp6) ? " and UDP" : "") state changes (sources: \(sources.joined(separator: ", "))); Ctrl-C to stop")
        }
        for (source, reason) in unavailable {
            switch source {
            case "capture":
                out.log.error("segments are off: \(reason); transitions go on")
            case "tracefs":
                out.log.error("the tracepoint is off, through eBPF and tracefs (\(reason)): transitions come from /proc every "
                              + "\(Seconds.text(options.interval * 1000)) ms and miss shorter states")
            case "ebpf" where tracing != nil:
                out.log.error("eBPF is off (\(reason)): transitions come from tracefs, every namespace's read and sifted here")
            default:
                break  // eBPF off with tracefs: one line, above, says both are
            }
        }
    }

    func emit(_ transition: Transition, wallOffset: Double, observer: TransitionObserver, roles: inout RoleMemory,
              attribution: inout Attribution, into round: inout [(time: Double, line: String)]) {
        // Cheap filters before any work on the transition.
        guard transition.matches(options.filter) else { return }
        let wall = transition.time + wallOffset
        var transition = transition
        if transition.entry.proto.isTCP { transition.role = roles.role(of: transition) }
        // With the capture on (or the kernel's resets), an ending says what ended it: the RST,
        // and who sent it (the stream waited `resetWait` for the kernel's report of it).
        transition = observer.explained(transition, now: .infinity)
        let owner = attribution.owner(of: transition.entry)
        let line = options.json ? transition.json(wallTime: wall, owner: owner).text
                                : transition.line(clock: ClockText.timeOfDay(wall))
        round.append((wall, line + "\n"))
    }

    /// A segment, seen from the end that sent the SYN (no end is ours here). The capture stamps
    /// frames with the wall clock.
    func emit(_ segment: Segment, into round: inout [(time: Double, line: String)]) {
        let line = options.json ? segment.json(wallTime: segment.time).text : segment.line(clock: ClockText.timeOfDay(segment.time))
        round.append((segment.time, line + "\n"))
    }
}
