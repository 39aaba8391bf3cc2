import Glibc
import SockscopeCore
import SockscopeTransport

/// The screen's capture (DESIGN.md source 4): our connections' segments onto their ladders, every
/// kept frame into --pcap, and the selected ladder into --ladder's SVG when the screen closes.
extension ScreenMode {
    /// Frames whose either port is one of ours (the listener's, each connection's); in `watch`,
    /// those the table's filter passes.
    func keeps(_ frame: DecodedFrame) -> Bool {
        guard plan != nil else { return states.matches(frame) }
        return ourPorts.contains(frame.source.port) || ourPorts.contains(frame.destination.port)
    }

    func readCapture() {
        guard let capture else { return }
        let batch = capture.read(keep: keeps)
        if let failure = batch.pcapFailure { model.say(failure, at: io.monotonic()) }
        if batch.dropped > 0 {
            // In the header for as long as the screen is open; the log says when.
            if model.header.lostFrames == 0 { model.say("frames lost: the capture's buffer overran (count in the header)", at: io.monotonic()) }
            model.header.lostFrames += batch.dropped
        }
        for var segment in batch.segments {
            observer.saw(segment)
            segment.time -= wallOffset  // the capture stamps wall time; the model keeps monotonic
            if !model.addSegment(segment) && plan != nil { remember(segment) }
        }
    }

    /// A segment no ladder takes yet: its connection may open in a moment (accept comes after the
    /// handshake). Kept a few seconds, at most a few hundred.
    func remember(_ segment: Segment) {
        unplaced.append(segment)
        let now = io.monotonic()
        if unplaced.count > 512 || (unplaced.first.map { now - $0.time > 5 } ?? false) {
            unplaced.removeAll { now - $0.time > 5 }
            if unplaced.count > 512 { unplaced.removeFirst(unplaced.count - 512) }
        }
    }

    /// A port of ours: kept by the userland check and by the kernel's filter.
    func addPort(_ port: UInt16) {
        guard ourPorts.insert(port).inserted else { return }
        capture?.setPorts(Array(ourPorts))
    }

    /// A connection's ladder begins when it opens, with what the capture already holds for it.
    func startLadder(_ id: Int, key: ConnectionKey, dialed: Bool, at now: Double) {
        addPort(key.local.port)
        readCapture()  // the handshake, queued in the kernel while connect() or accept() ran
        model.startLadder(connection: id, ours: key.local, peer: key.remote, dialed: dialed, at: now)
        unplaced.removeAll { model.addSegment($0) }
        if dialed { model.addConnect(connection: id) }
    }

    /// --ladder FILE.svg: the selected connection's ladder (else the first), written as the screen
    /// closes, after the terminal is restored; a failure is one line on standard error and the
    /// status to end with (nil: nothing to say).
    func writeLadder(signalFD: Int32) -> ExitStatus? {
        guard let file = ladderFile else { return nil }
        let log = Diagnostics(fd: io.stderr, verbose: true)
        guard let ladder = model.selectedLadder ?? model.ladders.min(by: { $0.key < $1.key })?.value else {
            file.discard()
            log.error("--ladder \(file.path): no connection was made; nothing written")
            return nil
        }
        switch file.commit(Array(LadderSVG.render(ladder).utf8), signalFD: signalFD,
                           onWaiting: OutputFiles.waiting("--ladder", file.path, log: log)) {
        case .written: return nil
        case .failed(let line):
            log.error(line)
            return .failure
        case .interrupted(let signal): return .signal(signal)
        }
    }
}
