/// A peer's bytes made safe for a terminal: valid UTF-8 text stays as it is; control bytes (C0,
/// DEL, C1), escape sequences and invalid UTF-8 become visible escapes (`\x1b`, `\r`, `\t`) that
/// views draw in their own style. Nothing a peer sends can move the cursor or change the screen.
public struct EscapedText: Equatable, Sendable {
    public enum Piece: Equatable, Sendable {
        case text(String)
        case escape(String)
    }

    public private(set) var pieces: [Piece] = []

    /// `asciiOnly`: for a terminal whose locale shows ASCII alone, every character beyond ASCII
    /// is escaped as its code point (`\u{65e5}`) too.
    public init(_ bytes: some Collection<UInt8>, asciiOnly: Bool = false) {
        var text: [UInt8] = []
        let bytes = Array(bytes)
        var index = 0
        func flush() {
            if !text.isEmpty { pieces.append(.text(String(decoding: text, as: UTF8.self))) }
            text.removeAll(keepingCapacity: true)
        }
        while index < bytes.count {
            let length = Self.validSequenceLength(bytes, at: index)
            if length > 1 {
                let scalar = String(decoding: bytes[index..<index + length], as: UTF8.self).unicodeScalars.first
                if let scalar, scalar.value >= 0xA0, !asciiOnly {
                    text.append(contentsOf: bytes[index..<index + length])
                } else {
                    flush()
                    // A C1 control sent as UTF-8 (CSI is U+009B), or any character under an ASCII
                    // locale: shown as a code point, not bytes.
                    pieces.append(.escape("\\u{\(String(scalar?.value ?? 0, radix: 16))}"))
                }
                index += length
                continue
            }
            let byte = bytes[index]
            if length == 1 && byte >= 0x20 && byte != 0x7F {
                text.append(byte)
            } else {
                flush()
                pieces.append(.escape(Self.escape(UInt32(byte))))
            }
            index += 1
        }
        flush()
    }

    /// The escaped text as one string (for tests and for logs).
    public var plain: String {
        pieces.map { piece in
            switch piece {
            case .text(let text), .escape(let text): text
            }
        }.joined()
    }

    static func escape(_ value: UInt32) -> String {
        switch value {
        case 0x09: return "\\t"
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x00: return "\\0"
        default:
            let digits = Array("0123456789abcdef")
            return "\\x" + String(digits[Int(value >> 4)]) + String(digits[Int(value & 15)])
        }
    }

    /// 1 for an ASCII byte, 2…4 for a complete, shortest-form UTF-8 sequence of a scalar that is
    /// not a surrogate, 0 for anything else (shown as `\xNN`).
    static func validSequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let lead = bytes[index]
        if lead < 0x80 { return 1 }
        let length: Int
        let minimum: UInt32
        var value: UInt32
        switch lead {
        case 0xC2...0xDF: length = 2; minimum = 0x80; value = UInt32(lead & 0x1F)
        case 0xE0...0xEF: length = 3; minimum = 0x800; value = UInt32(lead & 0x0F)
        case 0xF0...0xF4: length = 4; minimum = 0x10000; value = UInt32(lead & 0x07)
        default: return 0
        }
        guard index + length <= bytes.count else { return 0 }
        for offset in 1..<length {
            let next = bytes[index + offset]
            guard next & 0xC0 == 0x80 else { return 0 }
            value = value << 6 | UInt32(next & 0x3F)
        }
        if value < minimum || value > 0x10FFFF || (0xD800...0xDFFF).contains(value) { return 0 }
        return length
    }
}

extension String {
    /// The text with control characters, escape sequences and invalid UTF-8 escaped (`\x1b`,
    /// `\n`): safe to print to a terminal whatever it came from (a process name, a peer's Unix
    /// socket path, a reverse-DNS name).
    public var terminalSafe: String {
        guard utf8.contains(where: { $0 < 0x20 || $0 >= 0x7F }) else { return self }
        return EscapedText(utf8).plain
    }
}
