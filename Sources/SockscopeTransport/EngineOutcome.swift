/// Why the engine returned.
public enum EngineOutcome: Sendable, Equatable {
    case finished
    case idleTimeout
    case quitAfterEOF
    case signal(Int32)
    /// Writing standard output failed with this errno: what was received since is discarded.
    case stdoutFailed(Int32)
    /// The face asked to leave (/quit, F10).
    case quit
}
