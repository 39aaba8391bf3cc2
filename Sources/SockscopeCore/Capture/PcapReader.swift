/// Reads a pcap file (the classic format tcpdump and Wireshark write) from chunks of any size:
/// a mutating value type fed bytes as they come, handing back whole records. Microsecond and
/// nanosecond files, either byte order. Garbage — a wrong magic number, a record longer than any
/// capture makes — stops the reader with a failure, never a trap.
public struct PcapReader: Sendable {
    public struct Record: Hashable, Sendable {
        public var seconds: UInt32
        public var nanoseconds: UInt32
        /// The bytes captured: the frame's first `snapLength` bytes.
        public var bytes: [UInt8]
        /// The frame's length on the wire.
        public var originalLength: Int
    }

    public enum Failure: Error, Hashable, Sendable {
        case notPcap
        case recordTooLarge(Int)
    }

    /// LINKTYPE_ETHERNET is 1 (what `lo` and AF_PACKET give).
    public private(set) var linkType: UInt32?
    public private(set) var snapLength: UInt32?
    public private(set) var failure: Failure?
    /// Bytes of an unfinished header or record, from `start` on.
    private var pending: [UInt8] = []
    private var start = 0
    private var bigEndian = false
    private var nanosecondFile = false

    /// Larger than any snap length a capture uses (tcpdump's maximum is 262,144).
    public static let largestRecord = 1 << 20

    public init() {}

    public mutating func feed(_ chunk: UnsafeRawBufferPointer) -> [Record] {
        guard failure == nil else { return [] }
        pending.append(contentsOf: chunk)
        var records: [Record] = []
        if linkType == nil {
            guard readFileHeader() else { return [] }
        }
        while let record = nextRecord() { records.append(record) }
        if start > 0 && (start >= pending.count || start > 1 << 16) {
            pending.removeFirst(start)
            start = 0
        }
        return records
    }

    public mutating func feed(_ chunk: [UInt8]) -> [Record] {
        chunk.withUnsafeBytes { feed($0) }
    }

    /// Whether the input so far ended on a record boundary (nothing half-read).
    public var atBoundary: Bool { linkType != nil && start == pending.count }

    private mutating func readFileHeader() -> Bool {
        guard pending.count - start >= 24 else { return false }
        switch word(at: start, bigEndian: true) {
        case 0xA1B2_C3D4: (bigEndian, nanosecondFile) = (true, false)
        case 0xA1B2_3C4D: (bigEndian, nanosecondFile) = (true, true)
        case 0xD4C3_B2A1: (bigEndian, nanosecondFile) = (false, false)
        case 0x4D3C_B2A1: (bigEndian, nanosecondFile) = (false, true)
        default:
            failure = .notPcap
            return false
        }
        snapLength = word(at: start + 16, bigEndian: bigEndian)
        linkType = word(at: start + 20, bigEndian: bigEndian) & 0x0FFF_FFFF  // the upper bits are flags
        start += 24
        return true
    }

    private mutating func nextRecord() -> Record? {
        guard failure == nil, pending.count - start >= 16 else { return nil }
        let captured = Int(word(at: start + 8, bigEndian: bigEndian))
        guard captured <= Self.largestRecord else {
            failure = .recordTooLarge(captured)
            return nil
        }
        guard pending.count - start >= 16 + captured else { return nil }
        let fraction = word(at: start + 4, bigEndian: bigEndian)
        let record = Record(seconds: word(at: start, bigEndian: bigEndian),
                            nanoseconds: nanosecondFile ? fraction : fraction &* 1000,
                            bytes: Array(pending[(start + 16)..<(start + 16 + captured)]),
                            originalLength: Int(word(at: start + 12, bigEndian: bigEndian)))
        start += 16 + captured
        return record
    }

    private func word(at offset: Int, bigEndian: Bool) -> UInt32 {
        let (a, b, c, d) = (UInt32(pending[offset]), UInt32(pending[offset + 1]), UInt32(pending[offset + 2]),
                            UInt32(pending[offset + 3]))
        return bigEndian ? a << 24 | b << 16 | c << 8 | d : d << 24 | c << 16 | b << 8 | a
    }
}
