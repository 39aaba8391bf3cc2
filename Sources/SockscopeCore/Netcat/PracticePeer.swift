/// `sockscope serve NAME` (issue 24): peers to practise on, each serving clients at once. What
/// each does is here, pure; the serving face (App) moves the bytes through the engine.
public enum PracticePeer: String, CaseIterable, Sendable {
    case echo, discard, daytime, chargen, random, slow, reset, halfclose, receive

    /// `sockscope serve`'s list: a line each.
    public var summary: String {
        switch self {
        case .echo: "every byte back (RFC 862); the client's FIN, then ours"
        case .discard: "reads everything, answers nothing (RFC 863)"
        case .daytime: "the date and time in a line, then FIN (RFC 867)"
        case .chargen: "characters without end, as fast as the client reads (RFC 864)"
        case .random: "a random number for each line asked"
        case .slow: "reads slowly: the sender sees the window close and open"
        case .reset: "RST right after accept (SO_LINGER 0)"
        case .halfclose: "answers a line, sends FIN, keeps reading until the client's FIN"
        case .receive: "files from 'sockscope send', each checked by SHA-256: receive [DIR] [host] port"
        }
    }

    public static func listing() -> String {
        let width = allCases.map(\.rawValue.count).max() ?? 0
        return allCases.map { $0.rawValue + String(repeating: " ", count: width - $0.rawValue.count + 2) + $0.summary }
            .joined(separator: "\n") + "\n"
    }

    /// RFC 864's pattern: 72 printable characters a line, each line starting one character on.
    public static func chargenLine(_ index: Int) -> [UInt8] {
        let printable = Array(UInt8(33)...UInt8(126))
        let start = index % printable.count
        return (0..<72).map { printable[(start + $0) % printable.count] } + [13, 10]
    }

    /// RFC 867 leaves the form free: `Monday, December 7, 2026 05:43:11 UTC`, from a time in
    /// seconds since the epoch (UTC).
    public static func daytime(_ seconds: Double) -> String {
        let days = Int((seconds / 86400).rounded(.down))
        var rest = Int(seconds) - days * 86400
        let hour = rest / 3600
        rest %= 3600
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        let weekdays = ["Thursday", "Friday", "Saturday", "Sunday", "Monday", "Tuesday", "Wednesday"]
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        let weekday = weekdays[((days % 7) + 7) % 7]
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(weekday), \(months[month - 1]) \(day), \(year) \(two(hour)):\(two(rest / 60)):\(two(rest % 60)) UTC"
    }
}
