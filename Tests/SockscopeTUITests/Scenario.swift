import SockscopeCore
import SockscopeTUI

/// A scripted connection with a manual clock: what the screen shows after dialing a local peer,
/// exchanging lines (one with an escape sequence and wide characters) and sending FIN.
enum Scenario {
    static func endpoint(_ text: String) -> SocketEndpoint {
        let parts = text.split(separator: ":")
        return SocketEndpoint(address: IPAddress(text: String(parts[0]))!, port: UInt16(parts[1])!)
    }

    static func entry(_ local: String, _ remote: String, _ state: TCPState, timerTicks: UInt32? = nil,
                      inode: UInt64 = 0) -> SocketEntry {
        SocketEntry(proto: .tcp, local: endpoint(local), remote: endpoint(remote), stateCode: state.rawValue,
                    timer: timerTicks == nil ? .none : .timeWait, timerTicks: timerTicks ?? 0, inode: inode)
    }

    static let ours = ConnectionKey(proto: .tcp, local: endpoint("127.0.0.1:40000"), remote: endpoint("127.0.0.1:8080"))
    static let others = [
        entry("0.0.0.0:22", "0.0.0.0:0", .listen, inode: 7),
        entry("10.0.2.15:22", "10.0.2.2:51234", .established, inode: 8),
        entry("127.0.0.1:5432", "127.0.0.1:41000", .timeWait, timerTicks: 3120),
    ]

    /// Milliseconds since the start, as the screen's clock column.
    static func time(_ seconds: Double) -> String {
        let ms = Int((seconds * 1000).rounded())
        return "00:00:\((ms / 1000).zeroPadded(2)).\((ms % 1000).zeroPadded(3))"
    }

    static func connection() -> ScreenModel {
        var model = ScreenModel(header: .init(mode: "dial tcp", local: "127.0.0.1:40000", peer: "127.0.0.1:8080",
                                               policy: "Ctrl-D keeps the connection open; /shutdown sends FIN",
                                               sources: "tracefs + socket tables + TCP_INFO"))
        model.board.own(ours, connection: 1)
        model.board.owners = [7: .init(pid: 412, command: "sshd"), 8: .init(pid: 977, command: "sshd")]
        _ = model.board.update(others + [entry("127.0.0.1:8080", "0.0.0.0:0", .listen)], at: 0)
        model.addSession(.init(id: 1, peer: "127.0.0.1:8080"), at: 0.2)
        for transition in model.board.update(others + [
            entry("127.0.0.1:8080", "0.0.0.0:0", .listen),
            entry("127.0.0.1:40000", "127.0.0.1:8080", .established),
            entry("127.0.0.1:8080", "127.0.0.1:40000", .established),
        ], at: 0.25) {
            model.log.append(transition, connection: model.log.connection(for: transition.entry, in: model.board))
        }
        model.board.setInfo(TCPInfo(state: .established, rttMicros: 45, congestionWindow: 10), for: ours)
        model.received(Array("hello from the peer\n".utf8), connection: 1, at: 1.0)
        model.received([0x1B] + Array("[31mred\u{1B}[0m, 日本語 and café\r\n".utf8), connection: 1, at: 1.5)
        model.sent(Array("hi there\n".utf8), connection: 1, at: 2.0)
        model.received(Array("a line that is long enough to wrap around the narrow screens because it keeps going and going\n".utf8),
                       connection: 1, at: 2.5)
        // /shutdown: ours goes to FIN_WAIT2, the local peer to CLOSE_WAIT, as the tracepoint says.
        let fin: [(String, String, TCPState, TCPState, Double)] = [
            ("127.0.0.1:40000", "127.0.0.1:8080", .established, .finWait1, 2.0),
            ("127.0.0.1:8080", "127.0.0.1:40000", .established, .closeWait, 2.0),
            ("127.0.0.1:40000", "127.0.0.1:8080", .finWait1, .finWait2, 0.000051),
        ]
        for (index, (local, remote, from, to, duration)) in fin.enumerated() {
            let transition = Transition(time: 3.0 + Double(index) * 0.0001, entry: entry(local, remote, to),
                                        from: .tcp(from), to: .tcp(to), duration: duration, source: .tracefs)
            model.board.markChanged(ConnectionKey(transition.entry), at: transition.time)
            model.log.append(transition, connection: model.log.connection(for: transition.entry, in: model.board))
        }
        model.note("we sent FIN (shutdown of our write half); reading goes on", connection: 1, at: 3.0)
        model.updateSession(1) { $0.canSend = false; $0.status = "FIN sent" }
        _ = model.board.update(others + [
            entry("127.0.0.1:8080", "0.0.0.0:0", .listen),
            entry("127.0.0.1:40000", "127.0.0.1:8080", .finWait2),
            entry("127.0.0.1:8080", "127.0.0.1:40000", .closeWait),
        ], at: 3.1)
        for character in "typed, not sent" { _ = model.handle(.character(character), now: 3.2) }
        return model
    }

    static func render(_ model: ScreenModel, columns: Int, rows: Int, now: Double = 4.0) -> CellGrid {
        let grid = CellGrid(rows: rows, columns: columns)
        ScreenView(formatTime: time).draw(model, now: now, on: grid)
        return grid
    }
}
