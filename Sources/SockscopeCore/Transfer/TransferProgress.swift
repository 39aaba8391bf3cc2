/// A transfer's progress in words, as pv shows it beside nc (issue 24): bytes, percent, rate and
/// time left for `send`; bytes and rate each way for `--progress` in pipe mode. Pure: the caller
/// owns the clock and the terminal.
public enum TransferProgress {
    /// `512.0 MiB of 1.0 GiB (50%), 1.1 GB/s, 0:01 left`; at the end (`done == total`) the time
    /// it took instead of the time left.
    public static func line(done: Int, total: Int, seconds: Double) -> String {
        let percent = total > 0 ? Int(Double(done) / Double(total) * 100) : 100
        let rate = self.rate(done, seconds)
        var text = "\(size(done)) of \(size(total)) (\(percent)%), \(rate)"
        if done >= total {
            text += ", in \(clock(seconds))"
        } else if done > 0 && seconds > 0 {
            text += ", \(clock(Double(total - done) / (Double(done) / seconds))) left"
        }
        return text
    }

    /// `sent 12.3 MiB (1.1 MB/s), received 4.0 KiB (100 B/s)`, for a conversation both ways.
    public static func twoWays(sent: Int, received: Int, seconds: Double) -> String {
        "sent \(size(sent)) (\(rate(sent, seconds))), received \(size(received)) (\(rate(received, seconds)))"
    }

    static func size(_ bytes: Int) -> String { ByteCount.text(UInt64(max(0, bytes)), binary: true) }

    /// Bytes a second since the start, in powers of 1000 as network rates are given.
    static func rate(_ bytes: Int, _ seconds: Double) -> String {
        guard seconds > 0.000_001 else { return "- B/s" }
        let perSecond = Double(max(0, bytes)) / seconds
        guard perSecond.isFinite, perSecond < 1e18 else { return "- B/s" }
        return ByteCount.text(UInt64(perSecond)) + "/s"
    }

    /// `0:07`, `12:30`, `2:05:09`; `-:--` past a day or when unknown.
    public static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0, seconds < 86400 else { return "-:--" }
        let whole = Int(seconds.rounded())
        let hours = whole / 3600, minutes = whole / 60 % 60, rest = whole % 60
        let two: (Int) -> String = { $0 < 10 ? "0\($0)" : "\($0)" }
        return hours > 0 ? "\(hours):\(two(minutes)):\(two(rest))" : "\(minutes):\(two(rest))"
    }
}
