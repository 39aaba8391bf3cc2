import SockscopeCore

/// /tls: the selected connection's TLS in a box over the screen — what was agreed, the
/// certificates as sent and as verified, the verification's result and the handshake's steps
/// in time. It leaves the input line and the footer in sight, because keys act under it.
struct TLSOverlay {
    /// The connection's number and its facts; nil when the connection has no TLS.
    let connection: Int?
    let facts: TLSFacts?

    func lines() -> [String] {
        guard let facts else {
            return ["no TLS on this connection: --tls dials or serves one"]
        }
        return facts.lines()
    }

    func draw(bottom: Int, on screen: Screen) {
        let inner = min(screen.columns - 4, 110)
        let room = bottom >= 6 ? bottom : screen.rows
        // A line that fits keeps its indent (a certificate's fields under its depth).
        let body = lines().flatMap { DisplayWidth.of($0) <= inner ? [$0] : TransitionLogView.wrap($0, width: inner, maxRows: 3) }
        let height = min(room, body.count + 2)
        guard height >= 3, inner > 10 else { return }
        let width = inner + 4
        let which = connection.map { " · connection #\($0)" } ?? ""
        let (top, left) = OverlayFrame.draw(title: " TLS\(which) · keys act beneath · Esc or Ctrl-O closes ", width: width,
                                            height: height, rows: room, on: screen)
        for (index, line) in body.prefix(height - 2).enumerated() {
            let style: Style = line.hasSuffix(":") ? .key : .normal
            screen.put(line, row: top + 1 + index, column: left + 2, width: width - 4, style: style)
        }
    }
}
