/// `sockscope send` and `sockscope serve receive` (issue 24): the tutorials' "name → ok →
/// content" protocol, made safe and checked. Lines of text, so that a learner can write either
/// end with a shell and nc (sockscope(1), FILE TRANSFER):
///
///     sender:   SEND <size> <name>\n      size in decimal bytes; the name a plain base name
///     receiver: OK\n                      or NO <reason>\n and it closes
///     sender:   exactly <size> bytes
///     receiver: SHA256 <64 hex digits>\n  of the bytes it received and wrote,
///               or ERR <reason>\n, and it closes
///
/// The sender compares the digest with its own. A line may end in \r\n (telnet, nc -C).
public enum FileTransfer {
    /// The longest request line read before it is refused (a name is at most 255 bytes).
    public static let longestLine = 1024
    /// A name's bytes at most (NAME_MAX, with room for `.part`).
    public static let longestName = 250
    /// A size's digits at most: below 10^18, so no overflow on the way in.
    static let longestSize = 18

    /// Why a receiver refuses a request, in the words of its `NO` line.
    public enum Refusal: String, Error, Sendable, CaseIterable {
        case exists
        case busy
        case noSpace = "no space"
        case badName = "bad name"
        case badRequest = "bad request"
    }

    /// What the receiver answers.
    public enum Reply: Equatable, Sendable {
        case ok
        case refused(String)
        case digest(String)
        case error(String)

        public var line: String {
            switch self {
            case .ok: "OK\n"
            case .refused(let why): "NO \(why)\n"
            case .digest(let hex): "SHA256 \(hex)\n"
            case .error(let why): "ERR \(why)\n"
            }
        }
    }

    public static func request(name: String, size: Int) -> String { "SEND \(size) \(name)\n" }

    /// A request line (without its \n) read: the name and size, or why it is refused.
    public static func parseRequest(_ line: [UInt8]) -> Result<(name: String, size: Int), Refusal> {
        var line = line[...]
        if line.last == 0x0D { line = line.dropLast() }
        let prefix = Array("SEND ".utf8)
        guard line.starts(with: prefix) else { return .failure(.badRequest) }
        let rest = line.dropFirst(prefix.count)
        guard let space = rest.firstIndex(of: 0x20) else { return .failure(.badRequest) }
        let digits = rest[..<space]
        guard !digits.isEmpty, digits.count <= longestSize, digits.allSatisfy({ (0x30...0x39).contains($0) }) else {
            return .failure(.badRequest)
        }
        let size = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        guard let name = checkedName(Array(rest[rest.index(after: space)...])) else { return .failure(.badName) }
        return .success((name, size))
    }

    /// A reply line (without its \n), or nil when it is none of the four.
    public static func parseReply(_ line: [UInt8]) -> Reply? {
        var line = line[...]
        if line.last == 0x0D { line = line.dropLast() }
        let text = String(decoding: line, as: UTF8.self)
        if text == "OK" { return .ok }
        if text.hasPrefix("NO ") { return .refused(String(text.dropFirst(3))) }
        if text.hasPrefix("ERR ") { return .error(String(text.dropFirst(4))) }
        if text.hasPrefix("SHA256 ") {
            let hex = text.dropFirst(7)
            guard hex.utf8.count == 64, hex.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { return nil }
            return .digest(String(hex))
        }
        return nil
    }

    /// The name when it is a plain base name: valid UTF-8 of 1 to `longestName` bytes, not `.`
    /// or `..`, no `/`, no NUL and no control character (C0, DEL, C1) — nothing that could
    /// leave the directory or write to a terminal.
    public static func checkedName(_ bytes: [UInt8]) -> String? {
        guard !bytes.isEmpty, bytes.count <= longestName, bytes != [0x2E], bytes != [0x2E, 0x2E] else { return nil }
        guard let name = String(validating: bytes, as: UTF8.self) else { return nil }
        for scalar in name.unicodeScalars {
            let value = scalar.value
            if value == 0x2F || value < 0x20 || (0x7F...0x9F).contains(value) { return nil }
        }
        return name
    }

    /// The name a path's file is sent under: its last component (`dir/report.pdf` → `report.pdf`).
    public static func baseName(_ path: String) -> String {
        var bytes = Array(path.utf8)
        while bytes.count > 1 && bytes.last == 0x2F { bytes.removeLast() }
        if let slash = bytes.lastIndex(of: 0x2F) { bytes = Array(bytes[(slash + 1)...]) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Where a file is written until it has arrived whole.
    public static func partName(_ name: String) -> String { name + ".part" }

    /// Lowercase hex, as sha256sum prints.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = HexDump.digits
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
