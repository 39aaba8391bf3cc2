import SockscopeCore

/// Segments, for the modes: the capture's frames decoded, kept if the mode wants them (its
/// sessions' four-tuples, or the table's filter), written to `--pcap` and analysed in their
/// conversations. Frames that do not decode (not IP, a later fragment) are counted and skipped.
public final class SegmentSource {
    let capture: PacketCapture
    /// `--pcap` (`recordPcap`): opened by the mode once the capture runs, so that a run that
    /// cannot capture never touches the file.
    public private(set) var pcap: PcapFile?
    var analyzer = SegmentAnalyzer()
    public private(set) var undecodable = 0

    /// `payload`: the data bytes the kernel keeps of each frame after its headers (for
    /// `--pcap-payload`); `bufferKB`: the capture's ring (the default when nil).
    public init(interface: String = "lo", payload: Int = 0, bufferKB: Int? = nil) throws(TransportError) {
        capture = try PacketCapture(interface: interface, payload: payload, bufferKB: bufferKB)
    }

    public var descriptor: Int32 { capture.descriptor }

    /// Writes every frame kept from now on to `path`, cut as the capture cuts them; with
    /// `secrets`, as pcapng that takes TLS secrets too (`recordSecrets`).
    public func recordPcap(to path: String, secrets: Bool, signalFD: Int32, onWaiting: () -> Void) throws(OutputFile.OpenFailure) {
        pcap = try PcapFile(path: path, capture: capture, secrets: secrets, signalFD: signalFD, onWaiting: onWaiting)
    }

    public func recordSecrets(_ lines: [String]) { pcap?.addSecrets(lines) }

    public func holdFrames(_ on: Bool) { pcap?.hold(on) }

    /// The kernel keeps only frames with one of these ports (all when empty).
    public func setPorts(_ ports: [UInt16]) { capture.setPorts(ports) }

    /// The segments waiting that `keep` accepts, and how many frames the kernel dropped since the
    /// last call (the reader fell behind). Ends with the pcap file's pending frames written.
    public func read(keep: (DecodedFrame) -> Bool) -> CaptureBatch {
        var segments: [Segment] = []
        capture.read { frame in
            guard case .success(let decoded) = FrameDecoder.decodeWithHeaders(frame.bytes) else {
                undecodable += 1
                return
            }
            guard keep(decoded.frame) else { return }
            pcap?.append(frame, headerEnd: decoded.headerEnd)
            segments.append(analyzer.analyze(decoded.frame, time: frame.time))
        }
        return CaptureBatch(segments: segments, dropped: capture.drops(), pcapFailure: pcap?.flush())
    }
}
