import Glibc

/// What takes the place of standard input and output: the screen. It receives the bytes and
/// the events, watches descriptors of its own (the keys, the tracepoint) and keeps its timers;
/// it acts on connections through the engine's methods (`send`, `requestFIN`, `reset`…). The
/// engine makes every socket call; a face makes none.
public protocol EngineFace: AnyObject {
    /// Bytes from connection `id`, as they arrive: the engine keeps none of them.
    func engine(_ engine: Engine, received bytes: UnsafeRawBufferPointer, on id: Int)
    func engine(_ engine: Engine, event: EngineEvent)
    /// Before each poll: timers run (a table refresh, a redraw), descriptors are added to `set`
    /// as `.face(n)`, and the latest time to wake is returned (nil: none).
    func prepare(_ engine: Engine, now: Double, set: inout PollSet<Engine.Slot>) -> Double?
    /// Face descriptor `slot` was ready; an outcome ends the engine (/quit).
    func ready(_ engine: Engine, slot: Int, revents: Int32) -> EngineOutcome?
    /// A signal that does not end the tool (SIGWINCH): true when the face took it.
    func handles(signal: Int32) -> Bool
    /// Whether the engine ends on this outcome: the screen stays open after its session ends or
    /// idles out, so that TIME_WAIT can be watched.
    func ends(with outcome: EngineOutcome) -> Bool
}
