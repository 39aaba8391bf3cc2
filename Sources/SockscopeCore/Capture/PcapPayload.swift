/// `--pcap-payload N`: how many bytes of each segment's data a pcap file keeps after the
/// headers. None by default: a capture of a login must not hold its password (the file is made
/// 0600 all the same). Bounded by the most a frame on `lo` can carry.
public enum PcapPayload {
    public static let range = 0...65535

    /// Why `bytes` cannot be used, in the words of a usage error; nil when it can.
    public static func problem(_ bytes: Int, pcap: Bool) -> String? {
        if !range.contains(bytes) { return "--pcap-payload must be from \(range.lowerBound) to \(range.upperBound) bytes" }
        if !pcap { return "--pcap-payload needs --pcap" }
        return nil
    }
}
