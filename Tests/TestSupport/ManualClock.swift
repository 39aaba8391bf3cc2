/// A clock the test moves: deadlines (-q, -w, the screen's timers) come when the test says.
public final class ManualClock: @unchecked Sendable {
    public var now = 0.0

    public init(_ start: Double = 0) { now = start }

    /// Moves forward `step` seconds and returns the new time (a clock that advances each read).
    public func advance(_ step: Double) -> Double {
        now += step
        return now
    }
}
