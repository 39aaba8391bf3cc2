import Glibc
import SockscopeCore
import SockscopeTransport

/// A probe's phases after its connect: the TLS handshake, the request and its reply, the
/// close; and how a probe ends.
extension ProbeRunner {
    /// -x: the proxies asked in turn; the tunnel's opening ends the phase.
    func negotiate(_ probe: Probe, now: Double) {
        guard let stream = probe.stream, probe.phase == .negotiating else { return }
        guard stream.advance() else {
            fail(probe, stream.failure ?? "the proxy failed")
            return
        }
        guard stream.ready else { return }
        let opened = clock()
        probe.result.proxy = opened - probe.phaseStarted
        startTLS(probe, now: opened)
    }

    func handshake(_ probe: Probe, now: Double) {
        guard let tls = probe.tls, probe.phase == .handshaking else { return }
        // The peer's records reach OpenSSL through a read; what plaintext comes with the
        // handshake's end (a server that speaks first) is kept for the reply.
        let n = scratch.withUnsafeMutableBytes { raw in raw.baseAddress.map { tls.receive(into: $0, count: raw.count) } ?? -1 }
        if n > 0 { probe.heard += scratch[..<n] }
        if !tls.advance() || tls.failure != nil {
            fail(probe, tls.failure ?? "TLS: handshake failed")
            return
        }
        if tls.handshakeDone {
            probe.result.tls = clock() - probe.phaseStarted
            afterHandshake(probe, now: clock())
        }
    }

    func afterHandshake(_ probe: Probe, now: Double) {
        probe.phaseStarted = now
        if plan.send != nil {
            probe.phase = .sending
            sendRequest(probe, now: now)
        } else if plan.expect != nil {
            probe.phase = .reading
            // A server that spoke with its handshake's last records has answered already.
            if !probe.heard.isEmpty {
                probe.result.firstByte = 0
                if let expect = plan.expect, probe.heard.firstRange(of: expect) != nil { probe.phase = .holding }
            }
        } else {
            probe.phase = .holding
        }
    }

    func sendRequest(_ probe: Probe, now: Double) {
        guard let data = plan.send, let stream = probe.stream, probe.phase == .sending else { return }
        while probe.sent < data.count {
            let n = data.withUnsafeBytes { raw in raw.baseAddress.map { stream.send($0 + probe.sent, count: data.count - probe.sent) } ?? -1 }
            if n > 0 {
                probe.sent += n
                continue
            }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) { return }
            fail(probe, "the request could not be sent: \(stream.failure ?? String(cString: strerror(errno)))")
            return
        }
        // The first byte is timed from the request's start, not its end.
        probe.phase = .reading
    }

    func readReply(_ probe: Probe, now: Double) {
        guard let stream = probe.stream, probe.phase == .reading else { return }
        while true {
            let n = scratch.withUnsafeMutableBytes { raw in raw.baseAddress.map { stream.receive(into: $0, count: raw.count) } ?? -1 }
            if n > 0 {
                if probe.result.firstByte == nil { probe.result.firstByte = now - probe.phaseStarted }
                guard let expect = plan.expect else {
                    probe.phase = .holding
                    return
                }
                probe.heard += scratch[..<n]
                if probe.heard.firstRange(of: expect) != nil {
                    probe.phase = .holding
                    return
                }
                if probe.heard.count > Self.heardLimit { probe.heard.removeFirst(probe.heard.count - expect.count) }
                continue
            }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) { return }
            let said = plan.expect.map { "'\(String(decoding: $0, as: UTF8.self))'" } ?? "a byte"
            fail(probe, n == 0 ? "the peer closed before \(said)" : (stream.failure ?? String(cString: strerror(errno))))
            return
        }
    }

    func startClosing(_ probe: Probe, now: Double) {
        probe.phase = .closing
        probe.phaseStarted = now
        // TLS: close_notify first, the FIN once it has gone; plain: the FIN at once.
        probe.stream?.finishSending()
        step(probe, now: clock())
    }

    /// A phase after the connect failed: the probe connected, but did not do what was asked.
    func fail(_ probe: Probe, _ why: String) {
        probe.result.outcome = .failed
        probe.result.why = why
        finish(probe)
    }

    func finish(_ probe: Probe) {
        if probe.fd >= 0 { close(probe.fd) }
        probe.fd = -1
        probe.stream = nil
        probe.phase = .done
    }
}
