/// A peer's bytes made safe for a terminal: valid UTF-8 text stays as it is; control bytes (C0,
/// DEL, C1), escape sequences, bidirectional overrides and invalid UTF-8 become visible escapes
/// (`\x1b`, `\r`, `\u{202e}`) that views draw in their own style. Nothing a peer (or a file)
/// sends can move the cursor, change the screen or reorder what is shown. A backslash is shown
/// as `\\`, so that an escape never reads as something else: the OSC terminator `ESC \` is
/// `\x1b\\`, and text that merely spells `\x1b` is `\\x1b`.
public struct EscapedText: Equatable, Sendable {
    public enum Piece: Equatable, Sendable {
        case text(String)
        case escape(String)
    }

    public private(set) var pieces: [Piece] = []

    /// `asciiOnly`: for a terminal whose locale shows ASCII alone, every character beyond ASCII
    /// is escaped as its code point (`\u{65e5}`) too. `backslash` false leaves backslashes as
    /// they are: for text already escaped once (the screen's last guard).
    public init(_ bytes: some Collection<UInt8>, asciiOnly: Bool = false, backslash: Bool = true) {
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
                if let scalar, scalar.value >= 0xA0, !asciiOnly, !Self.isBidiControl(scalar) {
                    text.append(contentsOf: bytes[index..<index + length])
                } else {
                    flush()
                    // A C1 control sent as UTF-8 (CSI is U+009B), a bidirectional control, or any
                    // character under an ASCII locale: shown as a code point, not bytes.
                    pieces.append(.escape("\\u{\(String(scalar?.value ?? 0, radix: 16))}"))
                }
                index += length
                continue
            }
            let byte = bytes[index]
            if length == 1 && byte == 0x5C && backslash {
                flush()
                pieces.append(.escape("\\\\"))
            } else if length == 1 && byte >= 0x20 && byte != 0x7F {
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

    /// The characters that reorder text on screen (the "Trojan Source" set): the embeddings,
    /// overrides and isolates, and the invisible marks.
    static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: true
        default: false
        }
    }

    /// Whether text drawn on a terminal as it is could act on it or reorder it.
    public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || isBidiControl(scalar)
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
    /// The text with control characters, escape sequences, bidirectional controls and invalid
    /// UTF-8 escaped (`\x1b`, `\n`, `\u{202e}`), and a backslash doubled: safe to print to a
    /// terminal whatever it came from (a process name, a peer's Unix socket path, a reverse-DNS
    /// name, a recording), and read back without ambiguity.
    public var terminalSafe: String {
        guard utf8.contains(where: { $0 < 0x20 || $0 >= 0x7F || $0 == 0x5C }) else { return self }
        return EscapedText(utf8).plain
    }

    /// The text with whatever could act on a terminal escaped, backslashes left as they are: the
    /// screen's last guard, for text its views have escaped already (or made themselves).
    public var controlsEscaped: String {
        // It runs for every text of every frame drawn: the bytes settle most (C0 and DEL are
        // themselves; C1 begins with C2, the bidirectional controls with D8 or E2), and only text
        // with such a lead byte is looked at scalar by scalar.
        guard utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 || $0 == 0xD8 || $0 == 0xE2 }),
              unicodeScalars.contains(where: EscapedText.needsEscape) else { return self }
        return EscapedText(utf8, backslash: false).plain
    }
}
