/// Writes the classic pcap format with nanosecond timestamps (magic 0xA1B23C4D, little-endian
/// as tcpdump writes it on this machine), which tcpdump and Wireshark open. Pure: it hands
/// back bytes for the caller to write.
public enum PcapWriter {
    /// LINKTYPE_ETHERNET: what AF_PACKET gives on `lo` and Ethernet devices.
    public static let ethernet: UInt32 = 1

    public static func fileHeader(snapLength: UInt32, linkType: UInt32 = ethernet) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        append(0xA1B2_3C4D, to: &bytes)
        append16(2, to: &bytes)   // version 2.4
        append16(4, to: &bytes)
        append(0, to: &bytes)     // this zone (always 0)
        append(0, to: &bytes)     // accuracy (always 0)
        append(snapLength, to: &bytes)
        append(linkType, to: &bytes)
        return bytes
    }

    /// One record: its header and the captured bytes (at most the snap length).
    public static func append(record bytes: UnsafeRawBufferPointer, originalLength: Int, seconds: UInt32,
                              nanoseconds: UInt32, to out: inout [UInt8]) {
        append(seconds, to: &out)
        append(min(nanoseconds, 999_999_999), to: &out)
        append(UInt32(truncatingIfNeeded: bytes.count), to: &out)
        append(UInt32(clamping: max(originalLength, bytes.count)), to: &out)
        out.append(contentsOf: bytes)
    }

    static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    static func append16(_ value: UInt16, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}
