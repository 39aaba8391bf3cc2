/// Seconds to the milliseconds that poll() takes. Every timeout in the tool goes through here: a
/// user's `-i 3000000` or `--interval 3000000` is a valid number of seconds but more milliseconds
/// than an Int32 holds, and converting it unchecked traps.
public enum Milliseconds {
    /// Rounded up (a deadline is never polled early), at least 0, at most Int32.max (24.8 days:
    /// a longer wait simply takes several rounds). NaN counts as 0.
    public static func clamped(_ seconds: Double) -> Int32 {
        let ms = (seconds * 1000).rounded(.up)
        guard ms > 0 else { return 0 }
        return ms >= Double(Int32.max) ? Int32.max : Int32(ms)
    }
}
