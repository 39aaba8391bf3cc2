/// `--hex-dump FILE`: both directions as a timestamped hex dump. Each chunk gets a header line
/// (time, direction, length, peer), then `hexdump -C`-style rows prefixed by the direction mark
/// `>` (sent) or `<` (received); offsets count each direction's bytes from the session start, as
/// traditional netcat's `-o` did, so a reader can find byte N of either stream.
public struct HexDump: Sendable {
    public enum Direction: Sendable { case sent, received
        var mark: Character { self == .sent ? ">" : "<" }
        var word: String { self == .sent ? "sent" : "received" }
    }

    private var sentOffset = 0
    private var receivedOffset = 0

    public init() {}

    /// Formats one chunk. `time` is preformatted (the caller owns the clock).
    public mutating func chunk(
        _ bytes: UnsafeRawBufferPointer, direction: Direction, time: String, peer: String
    ) -> String {
        var offset = direction == .sent ? sentOffset : receivedOffset
        var out = "# \(time) \(direction.mark) \(bytes.count) bytes \(direction.word) \(direction == .sent ? "to" : "from") \(peer)\n"
        var row = 0
        while row < bytes.count {
            let end = min(row + 16, bytes.count)
            out += Self.row(bytes, from: row, to: end, offset: offset, mark: direction.mark)
            offset += end - row
            row = end
        }
        if direction == .sent { sentOffset = offset } else { receivedOffset = offset }
        return out
    }

    static let digits = Array("0123456789abcdef".utf8)

    /// `> 00000010  68 65 6c 6c 6f 0a 00 ff                           |hello...|`
    public static func row(_ bytes: UnsafeRawBufferPointer, from: Int, to: Int, offset: Int, mark: Character) -> String {
        var line: [UInt8] = [UInt8(ascii: mark == ">" ? ">" : "<"), 0x20]
        for shift in stride(from: 28, through: 0, by: -4) {
            line.append(digits[(offset >> shift) & 0xF])
        }
        line += [0x20, 0x20]
        for i in 0..<16 {
            if i == 8 { line.append(0x20) }
            if from + i < to {
                let b = bytes[from + i]
                line += [digits[Int(b >> 4)], digits[Int(b & 0xF)], 0x20]
            } else {
                line += [0x20, 0x20, 0x20]
            }
        }
        line += [0x20, UInt8(ascii: "|")]
        for i in from..<to {
            let b = bytes[i]
            line.append(b >= 0x20 && b < 0x7F ? b : UInt8(ascii: "."))
        }
        line += [UInt8(ascii: "|"), 0x0A]
        return String(decoding: line, as: UTF8.self)
    }
}
