/// The `sockscope states` table, like `ss -tan`: data in rows of strings, laid out for a width by
/// a pure function (DESIGN.md convention 7).
public enum StatesTable {
    public static let headers = ["Proto", "State", "Recv-Q", "Send-Q", "Local", "Peer", "Timer", "Process"]

    /// Who owns a socket, where /proc/PID/fd could be read.
    public struct Owner: Sendable, Equatable {
        public var pid: Int32
        /// The process's name as the kernel has it (any bytes its owner chose: `prctl` can set
        /// escape sequences); JSON carries it as it is, `display` escaped.
        public var command: String
        public init(pid: Int32, command: String) {
            self.pid = pid
            self.command = command
        }

        /// `sshd[412]`, with control characters escaped for a terminal.
        public var display: String { "\(command.terminalSafe)[\(pid)]" }
    }

    public static func row(_ entry: SocketEntry, owner: Owner?) -> [String] {
        [entry.proto.rawValue, entry.stateName, String(entry.recvQueue), String(entry.sendQueue),
         entry.local.description, entry.remote.description, timerText(entry),
         owner?.display ?? "-"]
    }

    /// `timewait 59.3s`, `on 200ms`, or `-`.
    public static func timerText(_ entry: SocketEntry) -> String {
        guard let ms = entry.expiresMs else { return "-" }
        return DurationText.timer(of: entry, seconds: Double(ms) / 1000)
    }

    /// Lays out header and rows in at most `width` columns (nil: no limit, as for a pipe). Numbers
    /// are right-aligned. When the table is too wide, addresses are cut from the left with `…`
    /// (the port, at the right, is what people scan) and Process, then Timer, give way.
    public static func layout(_ rows: [[String]], width: Int?) -> [String] {
        var out = ByteWriter()
        write(rows, width: width, to: &out)
        return String(decoding: out.bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast().map(String.init)
    }

    /// The same layout, written line by line into `out` (no string per cell or per line).
    public static func write(_ rows: [[String]], width: Int?, to out: inout ByteWriter) {
        let counts = ([headers] + rows).map { $0.map(\.count) }
        var widths = headers.indices.map { column in counts.map { $0[column] }.max() ?? 0 }
        var shown = Array(headers.indices)
        func total() -> Int { shown.map { widths[$0] }.reduce(0, +) + 2 * (shown.count - 1) }
        if let width {
            // Long IPv6 addresses give way first, down to a whole IPv4 endpoint (21 characters);
            // then Process, then Timer; then the addresses again, to 9.
            func shrinkAddresses(to floor: Int) {
                while total() > width && (widths[4] > floor || widths[5] > floor) {
                    if widths[4] >= widths[5] { widths[4] -= 1 } else { widths[5] -= 1 }
                }
            }
            shrinkAddresses(to: 21)
            for dropped in [7, 6] where total() > width { shown.removeAll { $0 == dropped } }
            shrinkAddresses(to: 9)
        }
        for (line, cells) in ([headers] + rows).enumerated() {
            var pending = 0  // spaces owed before the next cell; trailing ones are never written
            for column in shown {
                let count = counts[line][column]
                let text = count > widths[column] ? fit(cells[column], widths[column]) : cells[column]
                let pad = widths[column] - min(count, widths[column])
                if column == 2 || column == 3 {
                    out.appendSpaces(pending + pad)
                    out.append(text)
                    pending = 2
                } else {
                    out.appendSpaces(pending)
                    out.append(text)
                    pending = pad + 2
                }
            }
            out.append(byte: 0x0A)
        }
    }

    static func fit(_ text: String, _ width: Int) -> String {
        guard text.count > width else { return text }
        return "…" + text.suffix(width - 1)
    }
}
