/// An IPv4 or IPv6 address as the kernel reports it (IPv4-mapped IPv6 stays IPv6). Stored inline
/// (no heap allocation), since a /proc table has two per row.
public struct IPAddress: Hashable, Sendable, Comparable {
    /// Bytes 0–7 and 8–15 in network order, big-endian; IPv4 uses the low 32 bits of `low`.
    public let high: UInt64
    public let low: UInt64
    public let isIPv6: Bool

    public init(bytes: [UInt8]) {
        isIPv6 = bytes.count == 16
        var high: UInt64 = 0, low: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            if isIPv6 && index < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
        }
        self.high = high
        self.low = low
    }

    public init(ipv4 value: UInt32) {
        high = 0
        low = UInt64(value)
        isIPv6 = false
    }

    public init(ipv6High high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
        isIPv6 = true
    }

    /// IPv4 before IPv6, then numerically.
    public static func < (a: IPAddress, b: IPAddress) -> Bool {
        (a.isIPv6 ? 1 : 0, a.high, a.low) < (b.isIPv6 ? 1 : 0, b.high, b.low)
    }

    /// Four bytes for IPv4, sixteen for IPv6, in network order.
    public var bytes: [UInt8] {
        let count = isIPv6 ? 16 : 4
        return (0..<count).map { index in
            let (word, shift) = isIPv6 ? (index < 8 ? (high, 56 - 8 * index) : (low, 56 - 8 * (index - 8))) : (low, 24 - 8 * index)
            return UInt8(truncatingIfNeeded: word >> UInt64(shift))
        }
    }

    public var isUnspecified: Bool { high == 0 && low == 0 }

    /// `127.0.0.1`, `::1`, `::ffff:127.0.0.1` (RFC 5952, as inet_ntop writes it).
    public var description: String {
        let bytes = self.bytes
        guard isIPv6 else { return bytes.map(String.init).joined(separator: ".") }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return "::ffff:" + bytes[12...].map(String.init).joined(separator: ".")
        }
        let groups = (0..<8).map { UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]) }
        // The longest run of two or more zero groups becomes "::" (the first, on a tie).
        var best = (start: -1, length: 0)
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else { index += 1; continue }
            var end = index
            while end < 8 && groups[end] == 0 { end += 1 }
            if end - index > best.length && end - index >= 2 { best = (index, end - index) }
            index = end
        }
        func hex(_ range: Range<Int>) -> String {
            groups[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        guard best.start >= 0 else { return hex(0..<8) }
        return hex(0..<best.start) + "::" + hex((best.start + best.length)..<8)
    }
}
