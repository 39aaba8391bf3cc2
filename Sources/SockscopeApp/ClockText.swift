import Glibc

/// Wall-clock times as people read them, to the microsecond.
enum ClockText {
    /// `2026-11-21T14:30:00.123456Z` (UTC), for --hex-dump.
    static func iso8601(_ seconds: Double) -> String {
        let (parts, micros) = split(seconds, utc: true)
        return "\((parts.tm_year + 1900).zeroPadded(4))-\((parts.tm_mon + 1).zeroPadded(2))-\(parts.tm_mday.zeroPadded(2))T"
            + "\(parts.tm_hour.zeroPadded(2)):\(parts.tm_min.zeroPadded(2)):\(parts.tm_sec.zeroPadded(2)).\(micros.zeroPadded(6))Z"
    }

    /// `14:30:00.123456` (local time), for the events stream.
    static func timeOfDay(_ seconds: Double) -> String {
        let (parts, micros) = split(seconds, utc: false)
        return "\(parts.tm_hour.zeroPadded(2)):\(parts.tm_min.zeroPadded(2)):\(parts.tm_sec.zeroPadded(2)).\(micros.zeroPadded(6))"
    }

    static func split(_ seconds: Double, utc: Bool) -> (tm, Int) {
        var whole = time_t(seconds.rounded(.down))
        var parts = tm()
        if utc { gmtime_r(&whole, &parts) } else { localtime_r(&whole, &parts) }
        return (parts, Int((seconds - Double(whole)) * 1_000_000))
    }
}
