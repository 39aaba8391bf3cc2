/// Reads space-separated numeric fields from one line, without allocating, through a typed
/// pointer, because this runs for every byte of a table that can hold 100,000 rows.
struct FieldScanner {
    let base: UnsafePointer<UInt8>?
    let count: Int
    var index = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        count = bytes.count
    }

    var atEnd: Bool { index >= count }
    var peek: UInt8 { base.map { $0[index] } ?? 0 }

    @inline(__always) func byte(_ at: Int) -> UInt8 { at < count ? base.unsafelyUnwrapped[at] : 0 }

    @inline(__always) mutating func skipSpaces() {
        while index < count, byte(index) == 0x20 || byte(index) == 0x09 { index += 1 }
    }

    @inline(__always) mutating func expect(_ expected: UInt8) -> Bool {
        guard index < count, byte(index) == expected else { return false }
        index += 1
        return true
    }

    /// A field the kernel prints with a fixed width (`%08X`, `%04X`, `%02X`): one bounds check for
    /// the whole field. Falls back to `hex()` if more digits follow, so a wider value still parses.
    @inline(__always) mutating func hex(width: Int) -> UInt64? {
        skipSpaces()
        guard let base, index + width < count else { return hex() }
        var value: UInt64 = 0
        var bad: UInt8 = 0
        for offset in 0..<width {
            let digit = Self.hexDigit(base[index + offset])
            bad |= digit
            value = value << 4 | UInt64(digit & 0x0F)
        }
        // Any non-digit set bits above 0x0F (hexDigit returns 255 for those).
        guard bad <= 0x0F, Self.hexDigit(base[index + width]) > 15 else { return hex() }
        index += width
        return value
    }

    /// Up to 16 hex digits after optional spaces; nil if there are none or more follow.
    mutating func hex() -> UInt64? {
        skipSpaces()
        var value: UInt64 = 0
        let start = index
        while index < count, index - start < 16 {
            let digit = Self.hexDigit(byte(index))
            if digit > 15 { break }
            value = value << 4 | UInt64(digit)
            index += 1
        }
        guard index > start, index >= count || Self.hexDigit(byte(index)) > 15 else { return nil }
        return value
    }

    /// Up to 19 decimal digits after optional spaces; nil if there are none or more follow.
    mutating func decimal() -> UInt64? {
        skipSpaces()
        var value: UInt64 = 0
        let start = index
        while index < count, index - start < 19 {
            let digit = byte(index) &- 0x30
            if digit > 9 { break }
            value = value &* 10 &+ UInt64(digit)
            index += 1
        }
        guard index > start, index >= count || byte(index) &- 0x30 > 9 else { return nil }
        return value
    }

    /// `0100007F:1F90` (IPv4: one %08X word) or 32 hex digits (IPv6: four words), then the port.
    mutating func endpoint(v6: Bool) -> SocketEndpoint? {
        skipSpaces()
        guard index + (v6 ? 32 : 8) <= count else { return nil }
        // Each word is a network-order u32 printed as a little-endian host integer: swap it.
        var words: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
        for slot in 0..<(v6 ? 4 : 1) {
            var word: UInt32 = 0
            for _ in 0..<8 {
                let digit = Self.hexDigit(byte(index))
                guard digit <= 15 else { return nil }
                word = word << 4 | UInt32(digit)
                index += 1
            }
            switch slot {
            case 0: words.0 = word.byteSwapped
            case 1: words.1 = word.byteSwapped
            case 2: words.2 = word.byteSwapped
            default: words.3 = word.byteSwapped
            }
        }
        let address = v6
            ? IPAddress(ipv6High: UInt64(words.0) << 32 | UInt64(words.1), low: UInt64(words.2) << 32 | UInt64(words.3))
            : IPAddress(ipv4: words.0)
        guard expect(UInt8(ascii: ":")), let port = hex(width: 4), port <= 0xFFFF else { return nil }
        return SocketEndpoint(address: address, port: UInt16(port))
    }

    /// A hex digit's value; 255 for anything else. Arithmetic, not a table: a static table costs a
    /// lazy-initialisation check on every byte.
    @inline(__always) static func hexDigit(_ byte: UInt8) -> UInt8 {
        let decimal = byte &- 0x30
        if decimal <= 9 { return decimal }
        let letter = (byte | 0x20) &- 0x61
        return letter <= 5 ? letter &+ 10 : 255
    }
}
