/// Durations and timers as people read them, in one place: the same TIME_WAIT timer reads
/// `timewait 59.3s` in `sockscope states` and on the screen, and a transition's time in a state
/// reads the same in the log and the table.
public enum DurationText {
    /// `45µs`, `5.1ms`, `200ms`, `59.3s`, `7199s`.
    public static func short(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        // Bounded before any conversion to Int: past a trillion seconds the figure means nothing.
        let value = min(max(0, seconds), 1e12)
        if value < 0.001 { return "\(Int((value * 1e6).rounded()))µs" }
        if value < 0.01 { return tenths(value * 1000) + "ms" }
        if value < 1 { return "\(Int(value * 1000))ms" }
        if value < 60 { return tenths(value) + "s" }
        return "\(Int(value))s"
    }

    /// A pending timer and what it is: `timewait 59.3s`, `on 200ms`, `keepalive 7199s`.
    public static func timer(_ kind: SocketEntry.Timer, seconds: Double) -> String {
        "\(kind.name) \(short(seconds))"
    }

    /// A socket's timer by the name its state gives it (`fin_timeout` in FIN_WAIT2).
    public static func timer(of entry: SocketEntry, seconds: Double) -> String {
        "\(entry.timerName) \(short(seconds))"
    }

    /// `0.012`, `1534.000`: milliseconds with three decimals, the fixed format of the
    /// `states --events` line.
    public static func milliseconds(_ seconds: Double) -> String {
        let micros = Int((min(max(seconds.isFinite ? seconds : 0, -1e9), 1e9) * 1e6).rounded())
        return "\(micros / 1000).\((abs(micros) % 1000).zeroPadded(3))"
    }

    /// `0.046 s`: a session's length to the millisecond, as the lines of `proxy`, `serve` and
    /// `send` give it.
    public static func seconds(_ value: Double) -> String {
        let millis = Int((min(max(0, value.isFinite ? value : 0), 1e12) * 1000).rounded())
        return "\(millis / 1000).\((millis % 1000).zeroPadded(3)) s"
    }

    /// One decimal, cut (a countdown never shows more time than is left) — but not by a
    /// floating-point hair (31.2 − 6.9 is 24.2999…).
    static func tenths(_ value: Double) -> String {
        let scaled = Int(value * 10 + 1e-6)
        return "\(scaled / 10).\(scaled % 10)"
    }
}
