/// Minimal JSON writing for `--json` (Core has no Foundation): objects of strings, numbers and
/// nulls, keys in the order given, one object per line where asked.
public enum JSONValue: Sendable, Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case double(Double)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.text == b.text }

    /// A duration in seconds, to the microsecond.
    public static func seconds(_ value: Double) -> JSONValue { .double((value * 1e6).rounded() / 1e6) }

    /// A duration given in seconds, written in milliseconds to the microsecond (`_ms` fields).
    public static func milliseconds(_ value: Double) -> JSONValue { .double((value * 1e6).rounded() / 1e3) }

    public var text: String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the JSON text: one buffer for a whole line (a transition's line is written tens
    /// of thousands of times a second in a burst).
    func write(into out: inout [UInt8]) {
        switch self {
        case .string(let value): Self.quote(value, into: &out)
        case .int(let value): out += String(value).utf8
        case .double(let value): out += (value.isFinite ? String(value) : "null").utf8
        case .null: out += "null".utf8
        case .bool(let value): out += (value ? "true" : "false").utf8
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                value.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let pairs):
            out.append(UInt8(ascii: "{"))
            for (index, pair) in pairs.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.quote(pair.0, into: &out)
                out.append(UInt8(ascii: ":"))
                pair.1.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func quote(_ value: String) -> String {
        var out: [UInt8] = []
        quote(value, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Control characters, C1 included, and bidirectional controls as \u escapes (exactly the
    /// scalars `EscapedText.needsEscape` names): the same text to a JSON reader, nothing that acts
    /// on a terminal the lines pass through. Read as UTF-8 bytes: a Swift string is valid UTF-8,
    /// and every scalar to escape has a short, fixed encoding.
    static func quote(_ value: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { bytes in
            out.reserveCapacity(out.count + bytes.count + 1)
            var index = 0
            func next(_ offset: Int) -> UInt8 { index + offset < bytes.count ? bytes[index + offset] : 0 }
            while index < bytes.count {
                // A run of bytes that need no look (most of any text) is copied in one piece.
                let run = index
                while index < bytes.count && Self.plain(bytes[index]) { index += 1 }
                if index > run { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<index])) }
                guard index < bytes.count else { break }
                let byte = bytes[index]
                var escaped: UInt32?
                var length = 1
                switch byte {
                case 0x22, 0x5C: out += [0x5C, byte]
                case 0x0A: out += [0x5C, UInt8(ascii: "n")]
                case 0x0D: out += [0x5C, UInt8(ascii: "r")]
                case 0x09: out += [0x5C, UInt8(ascii: "t")]
                case 0x00..<0x20, 0x7F: escaped = UInt32(byte)
                case 0xC2 where (0x80...0x9F).contains(next(1)):  // C1: U+0080–U+009F
                    (escaped, length) = (UInt32(next(1)), 2)
                case 0xD8 where next(1) == 0x9C:  // U+061C
                    (escaped, length) = (0x061C, 2)
                case 0xE2 where (next(1) == 0x80 && (next(2) == 0x8E || next(2) == 0x8F || (0xAA...0xAE).contains(next(2))))
                    || (next(1) == 0x81 && (0xA6...0xA9).contains(next(2))):  // U+200E/F, U+202A–E, U+2066–9
                    (escaped, length) = (0x2000 | UInt32(next(1) & 0x3F) << 6 | UInt32(next(2) & 0x3F), 3)
                default: out.append(byte)
                }
                if let escaped { out += ("\\u" + escaped.zeroPadded(4, radix: 16)).utf8 }
                index += length
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// A byte copied as it is whatever follows: printable ASCII but the quote and the backslash,
    /// and every UTF-8 byte but the lead bytes of the scalars `quote` escapes (C2, D8, E2).
    @inline(__always) static func plain(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x20...0x7E: byte != 0x22 && byte != 0x5C
        case 0x80...: byte != 0xC2 && byte != 0xD8 && byte != 0xE2
        default: false
        }
    }
}
