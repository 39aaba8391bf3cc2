/// The flags of a TCP header (RFC 9293 §3.1; ECE and CWR from RFC 3168), as the byte at offset
/// 13 holds them.
public struct TCPFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let fin = TCPFlags(rawValue: 0x01)
    public static let syn = TCPFlags(rawValue: 0x02)
    public static let rst = TCPFlags(rawValue: 0x04)
    public static let psh = TCPFlags(rawValue: 0x08)
    public static let ack = TCPFlags(rawValue: 0x10)
    public static let urg = TCPFlags(rawValue: 0x20)
    public static let ece = TCPFlags(rawValue: 0x40)
    public static let cwr = TCPFlags(rawValue: 0x80)

    /// Each flag with its letter and its word, in header order: `S` SYN, `.` ACK (as tcpdump
    /// writes it), and so on.
    public static let named: [(flag: TCPFlags, letter: Character, word: String)] = [
        (.fin, "F", "FIN"), (.syn, "S", "SYN"), (.rst, "R", "RST"), (.psh, "P", "PSH"),
        (.ack, ".", "ACK"), (.urg, "U", "URG"), (.ece, "E", "ECE"), (.cwr, "W", "CWR"),
    ]

    /// `S.` for SYN+ACK, `F.` for FIN+ACK: tcpdump's letters.
    public var letters: String { String(Self.named.filter { contains($0.flag) }.map(\.letter)) }

    /// `SYN ACK`, `FIN ACK`: the words.
    public var words: String { Self.named.filter { contains($0.flag) }.map(\.word).joined(separator: " ") }
}
