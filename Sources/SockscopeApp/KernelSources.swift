import SockscopeCore
import SockscopeTransport

/// The kernel's sources a mode asks for, started in one place: the tracepoint (eBPF, else
/// tracefs) and the capture, each with the reason it is off. A pcap file asked for is attached
/// once the capture runs; when an option's file cannot be had without the capture (`--pcap`,
/// `--ladder`), the run is refused at once — a file asked for and not written would fail a
/// script later, silently.
struct KernelSources {
    var trace: (any TransitionFeed)?
    /// Why the tracepoint is off (no root, no tracefs, no sock_diag).
    var traceOff: String?
    var capture: (any SegmentFeed)?
    /// Why the capture is off, when it was wanted.
    var captureOff: String?

    /// What a mode wants of the capture.
    struct CaptureWish {
        /// Data bytes kept after each frame's headers (--pcap-payload).
        var payload = 0
        /// The port the kernel's filter keeps from the start (nil: every frame).
        var port: UInt16?
        var pcapPath: String?
        /// --tls: the pcap is pcapng and takes the sessions' secrets.
        var secrets = false
        /// The option that cannot do without the capture, named in the refusal.
        var requiredBy: String?
        /// Why there can be no capture at all for this mode (a Unix socket's session).
        var impossible: String?
    }

    /// Stops the tracing (the capture closes with its source).
    func stop() { trace?.stop() }

    /// The sources started; or, with a `refusal`, the status the run ends with (said in a line,
    /// and nothing left running).
    static func start(_ io: SystemIO, capture wish: CaptureWish?, signalFD: Int32,
                      log: Diagnostics) -> (sources: KernelSources, refusal: ExitStatus?) {
        var sources = KernelSources()
        do {
            sources.trace = try io.startTracing(io.traceBufferKB, io.tracefsForced)
        } catch {
            sources.traceOff = error.description
        }
        guard let wish else { return (sources, nil) }
        do throws(TransportError) {
            if let impossible = wish.impossible { throw TransportError(impossible) }
            let capture = try io.startCapture(wish.payload, io.captureBufferKB)
            if let port = wish.port { capture.setPorts([port]) }
            sources.capture = capture
        } catch {
            if let option = wish.requiredBy {
                log.error("\(option): \(error.description)")
                sources.stop()
                return (KernelSources(), .failure)
            }
            sources.captureOff = error.description
        }
        if let path = wish.pcapPath, let capture = sources.capture,
           let status = OutputFiles.attachPcap(path, secrets: wish.secrets, to: capture, signalFD: signalFD, log: log) {
            sources.stop()
            return (KernelSources(), status)
        }
        return (sources, nil)
    }
}
