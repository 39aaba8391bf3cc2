import SockscopeCore

/// Segments, for the modes: the capture's frames decoded, kept if the mode wants them (its
/// sessions' four-tuples, or the table's filter), written to `--pcap` and analysed in their
/// conversations. Frames that do not decode (not IP, a later fragment) are counted and skipped.
public final class SegmentSource {
    let capture: PacketCapture
    public let pcap: PcapFile?
    var analyzer = SegmentAnalyzer()
    public private(set) var undecodable = 0

    public init(interface: String = "lo", pcapPath: String? = nil) throws(TransportError) {
        capture = try PacketCapture(interface: interface)
        pcap = try pcapPath.map { path throws(TransportError) in try PcapFile(path: path, snapLength: PacketCapture.snapLength) }
    }

    public var descriptor: Int32 { capture.descriptor }

    /// The kernel keeps only frames with one of these ports (all when empty).
    public func setPorts(_ ports: [UInt16]) { capture.setPorts(ports) }

    /// The segments waiting that `keep` accepts, and how many frames the kernel dropped since the
    /// last call (the reader fell behind). Ends with the pcap file's pending frames written.
    public func read(keep: (DecodedFrame) -> Bool) -> (segments: [Segment], dropped: Int, pcapFailure: String?) {
        var segments: [Segment] = []
        capture.read { frame in
            guard case .success(let decoded) = FrameDecoder.decode(frame.bytes) else {
                undecodable += 1
                return
            }
            guard keep(decoded) else { return }
            pcap?.append(frame)
            segments.append(analyzer.analyze(decoded, time: frame.time))
        }
        return (segments, capture.drops(), pcap?.flush())
    }
}
