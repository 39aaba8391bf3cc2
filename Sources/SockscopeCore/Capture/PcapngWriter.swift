/// Writes pcapng (the IETF draft "PCAP Now Generic", as Wireshark and tcpdump read it): a
/// section, one interface with nanosecond timestamps, enhanced packet blocks — and Decryption
/// Secrets Blocks, which hold a TLS session's key-log lines so that Wireshark and tshark decrypt
/// the file with nothing else handed to them (`--pcap` with `--tls`). Little-endian, as this
/// machine writes. Pure: it hands back bytes for the caller to write.
public enum PcapngWriter {
    static let sectionHeader: UInt32 = 0x0A0D_0D0A
    static let interfaceDescription: UInt32 = 1
    static let enhancedPacket: UInt32 = 6
    static let decryptionSecrets: UInt32 = 0x0000_000A
    /// The secrets' type for an NSS key log ("TLSK").
    static let tlsKeyLog: UInt32 = 0x544C_534B

    /// The section and its one interface: what every file starts with.
    public static func fileHeader(snapLength: UInt32, linkType: UInt32 = PcapWriter.ethernet) -> [UInt8] {
        var section: [UInt8] = []
        PcapWriter.append(0x1A2B_3C4D, to: &section)  // byte-order magic
        PcapWriter.append16(1, to: &section)  // version 1.0
        PcapWriter.append16(0, to: &section)
        PcapWriter.append(0xFFFF_FFFF, to: &section)  // section length: not said
        PcapWriter.append(0xFFFF_FFFF, to: &section)
        var interface: [UInt8] = []
        PcapWriter.append16(UInt16(truncatingIfNeeded: linkType), to: &interface)
        PcapWriter.append16(0, to: &interface)
        PcapWriter.append(snapLength, to: &interface)
        // if_tsresol (9): 10^-9, timestamps in nanoseconds; then the end of options.
        PcapWriter.append16(9, to: &interface)
        PcapWriter.append16(1, to: &interface)
        interface += [9, 0, 0, 0]
        PcapWriter.append(0, to: &interface)
        var bytes: [UInt8] = []
        block(sectionHeader, body: section, to: &bytes)
        block(interfaceDescription, body: interface, to: &bytes)
        return bytes
    }

    /// One frame as an enhanced packet block on the interface: its captured bytes (at most the
    /// snap length) and its length on the wire.
    public static func append(record bytes: UnsafeRawBufferPointer, originalLength: Int, seconds: Int64, nanoseconds: UInt32,
                              to out: inout [UInt8]) {
        let stamp = UInt64(clamping: max(0, seconds)) &* 1_000_000_000 &+ UInt64(min(nanoseconds, 999_999_999))
        var body: [UInt8] = []
        body.reserveCapacity(20 + bytes.count + 3)
        PcapWriter.append(0, to: &body)  // interface 0
        PcapWriter.append(UInt32(truncatingIfNeeded: stamp >> 32), to: &body)
        PcapWriter.append(UInt32(truncatingIfNeeded: stamp), to: &body)
        PcapWriter.append(UInt32(truncatingIfNeeded: bytes.count), to: &body)
        PcapWriter.append(UInt32(clamping: max(originalLength, bytes.count)), to: &body)
        body.append(contentsOf: bytes)
        pad(&body)
        block(enhancedPacket, body: body, to: &out)
    }

    /// Key-log lines (NSS format, each with its newline) as a Decryption Secrets Block: the
    /// frames after it decrypt with them.
    public static func append(keyLog lines: [String], to out: inout [UInt8]) {
        let secrets = Array(lines.map { $0 + "\n" }.joined().utf8)
        guard !secrets.isEmpty else { return }
        var body: [UInt8] = []
        PcapWriter.append(tlsKeyLog, to: &body)
        PcapWriter.append(UInt32(truncatingIfNeeded: secrets.count), to: &body)
        body += secrets
        pad(&body)
        block(decryptionSecrets, body: body, to: &out)
    }

    /// A block: its type, its total length before and after the body (padded to 4 bytes).
    static func block(_ type: UInt32, body: [UInt8], to out: inout [UInt8]) {
        let total = UInt32(truncatingIfNeeded: 12 + body.count)
        PcapWriter.append(type, to: &out)
        PcapWriter.append(total, to: &out)
        out += body
        PcapWriter.append(total, to: &out)
    }

    static func pad(_ bytes: inout [UInt8]) {
        while bytes.count % 4 != 0 { bytes.append(0) }
    }
}
