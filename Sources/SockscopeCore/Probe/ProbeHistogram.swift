import Glibc  // log and pow only: Core stays free of I/O

/// `sockscope probe` in a terminal (issue 24): the times so far as a histogram that fills as
/// results come — rows of equal width on a logarithmic scale from the fastest to the slowest
/// (a lost SYN's second beside 50 µs connects would leave a linear scale one full row), each
/// with its range, a bar and its count. Pure: the caller draws the lines.
public enum ProbeHistogram {
    /// At most `rows` lines of at most `width` columns; none without samples.
    public static func lines(_ samples: [Double], rows: Int = 8, width: Int = 80) -> [String] {
        let finite = samples.filter { $0.isFinite && $0 >= 0 }
        guard let low = finite.min(), let high = finite.max(), rows > 0 else { return [] }
        let floor = max(low, 1e-7)
        let ceiling = max(high, floor * 1.000_001)
        let rowCount = high <= floor ? 1 : min(rows, max(1, finite.count))
        let ratio = ceiling / floor
        var counts = [Int](repeating: 0, count: rowCount)
        for sample in finite {
            let place = sample <= floor ? 0 : Glibc.log(sample / floor) / Glibc.log(ratio) * Double(rowCount)
            counts[min(rowCount - 1, max(0, Int(place)))] += 1
        }
        let edges = (0...rowCount).map { floor * Glibc.pow(ratio, Double($0) / Double(rowCount)) }
        let labels = (0..<rowCount).map { "\(DurationText.milliseconds(edges[$0]))–\(DurationText.milliseconds(edges[$0 + 1])) ms" }
        let labelWidth = labels.map(\.count).max() ?? 0
        let most = counts.max() ?? 1
        let countWidth = String(most).count
        let barRoom = max(1, width - labelWidth - countWidth - 4)
        return (0..<rowCount).map { row in
            let eighths = most == 0 ? 0 : counts[row] * barRoom * 8 / most
            let bar = String(repeating: "█", count: eighths / 8) + (eighths % 8 == 0 ? "" : partial[eighths % 8])
            let label = String(repeating: " ", count: labelWidth - labels[row].count) + labels[row]
            let count = String(counts[row])
            return "\(label) │\(bar)\(String(repeating: " ", count: barRoom - (eighths + 7) / 8 + 1))\(String(repeating: " ", count: countWidth - count.count))\(count)"
        }
    }

    static let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
}
