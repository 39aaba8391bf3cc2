import SockscopeCore
import SockscopeTransport

/// What the engine tells of our own sockets, handed to the observer: without the tracepoint
/// (no root) it tells their transitions first-hand — our calls, TCP_INFO at each of them and
/// at each table reading, the state just before close() and an exact lookup just after — so
/// that a close is logged step by step rather than as one jump "too brief to see". With the
/// tracepoint all of this is the kernel's to say, and the observer returns nothing here.
extension ScreenMode {
    /// connect() done, or accept() returned.
    func ownOpened(key: ConnectionKey, accepted: Bool, info: TCPInfo?, at now: Double) {
        for transition in observer.opened(key, accepted: accepted, state: info?.state, at: now, lookUp: lookUp) { log(transition) }
    }

    /// After an event of ours (EOF read, shutdown()) and at each table reading: TCP_INFO's state.
    func ownInfoRead(_ id: Int, info: TCPInfo?, at now: Double) {
        guard let key = keys[id], let state = info?.state else { return }
        for transition in observer.ownState(key, state, at: now, lookUp: lookUp) { log(transition) }
    }

    /// close(), from the state TCP_INFO gave just before it. A held connection has unread data:
    /// its close() sends a RST.
    func ownClosed(_ id: Int, key: ConnectionKey, reset: Bool, at now: Double) {
        guard let before = stateBeforeClose.removeValue(forKey: id) else { return }
        let held = model.connection(id)?.held ?? false
        for transition in observer.closed(key, before: before, reset: reset || held, at: now, lookUp: lookUp) { log(transition) }
    }

    /// The exact lookup of one connection, where there is one (without the tracepoint).
    var lookUp: ((ConnectionKey) -> TCPState?)? {
        lookup.map { lookup in { lookup.state(of: $0) } }
    }
}
