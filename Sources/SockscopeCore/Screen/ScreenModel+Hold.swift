/// /hold and /release: flow control made visible with real sockets. Held, our socket is not
/// read: the kernel keeps what arrives (our Recv-Q grows) and advertises a smaller window, down
/// to zero; the peer then keeps what it cannot send (its Send-Q grows) and probes the closed
/// window on its persist timer. Released, we read again and the window reopens.
extension ScreenModel {
    mutating func hold(_ on: Bool, now: Double) -> [Reaction] {
        guard !watchOnly, let selected, let connection = connection(selected), connection.open else {
            say(watchOnly ? "watch has no connection to hold" : "no open connection selected", at: now)
            return [.redraw]
        }
        if datagram {
            say("UDP has no window: held, our receive buffer would fill and the kernel drop datagrams; nothing to show", at: now)
            return [.redraw]
        }
        guard connection.held != on else {
            say(on ? "already held: /release reads again" : "not held: /hold stops reading", at: now)
            return [.redraw]
        }
        updateSession(selected) { $0.held = on }
        note(on ? Self.holdNote : Self.releaseNote, connection: selected, at: now)
        return [.hold(connection: selected, on), .refreshTable]
    }

    static let holdNote = "held: we stop reading. What arrives waits in our receive buffer (our Recv-Q grows) and the "
        + "window we advertise shrinks to 0; the peer's socket then keeps what it cannot send (its Send-Q grows) and "
        + "probes the zero window on its persist timer. /release (F12) reads again"
    static let releaseNote = "released: we read again; our window reopens (a window update) and what the peer held back flows"
}
