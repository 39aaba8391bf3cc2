/// How a write that may have had to wait for its reader ended.
public enum WriteOutcome: Equatable, Sendable {
    case written
    /// The descriptor failed: errno (EPIPE when the reader left, ENOSPC on a full disk…).
    case failed(Int32)
    /// This signal arrived on the signalfd while waiting; the rest was not written.
    case interrupted(Int32)
    /// The time allowed ran out; the rest was not written.
    case timedOut
}
