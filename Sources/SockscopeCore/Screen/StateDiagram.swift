/// RFC 9293's TCP state diagram, drawn for the terminal (/diagram): the states a connection goes
/// through on each end, the event that moves it (a call or a segment received) and what it
/// sends. The RFC's own names label the boxes; the kernel's are mapped to them (`box(for:)`).
/// Only the common paths are drawn, so that it fits 80×24; `notDrawn` names the others.
public enum StateDiagram {
    public static let lines: [String] = [
        "                            ┌────────┐",
        "      ┌──── passive open ───┤ CLOSED ├── active open: snd SYN ──┐",
        "      ▼      (listen)       └────────┘        (connect)         ▼",
        " ┌────────┐ rcv SYN:      ┌──────────────┐ rcv SYN:      ┌──────────┐",
        " │ LISTEN ├──────────────►│ SYN-RECEIVED │◄──────────────┤ SYN-SENT │",
        " └────────┘ snd SYN,ACK   └──────┬───────┘ snd SYN,ACK   └────┬─────┘",
        "                          rcv ACK│                rcv SYN,ACK:│",
        "                          ┌──────▼──────┐             snd ACK │",
        "                          │ ESTABLISHED │◄────────────────────┘",
        "          close: snd FIN  └──┬───────┬──┘  rcv FIN: snd ACK",
        "        ┌────────────────────┘       └───────────────────┐",
        " ┌──────▼─────┐ rcv FIN:   ┌─────────┐             ┌─────▼──────┐",
        " │ FIN-WAIT-1 ├───────────►│ CLOSING │             │ CLOSE-WAIT │",
        " └──────┬─────┘ snd ACK    └────┬────┘             └─────┬──────┘",
        " rcv ACK│              rcv ACK  │        close: snd FIN  │",
        " ┌──────▼─────┐ rcv FIN:  ┌─────▼─────┐            ┌─────▼────┐",
        " │ FIN-WAIT-2 ├──────────►│ TIME-WAIT ├─► CLOSED   │ LAST-ACK ├─► CLOSED",
        " └────────────┘ snd ACK   └───────────┘ after 2MSL └──────────┘  rcv ACK",
    ]

    /// Where a state's box is: the row of its name and the columns from its left border to its
    /// right one (its top and bottom borders are the rows above and below).
    public struct Box: Sendable, Equatable {
        public var row: Int
        public var columns: Range<Int>
    }

    /// The box named `name` (`SYN-RECEIVED`): found by its name between box borders, so that
    /// the drawing can change without a table of positions to keep in step.
    public static func box(named name: String) -> Box? {
        let borders: Set<Character> = ["│", "┤", "├"]
        for (row, line) in lines.enumerated() {
            let characters = Array(line)
            let target = Array(" \(name) ")
            var start = 1
            while start + target.count < characters.count {
                if Array(characters[start..<(start + target.count)]) == target, borders.contains(characters[start - 1]),
                   borders.contains(characters[start + target.count]) {
                    return Box(row: row, columns: (start - 1)..<(start + target.count + 1))
                }
                start += 1
            }
        }
        return nil
    }

    /// The box a kernel state is drawn in: the RFC's name for it. Linux's NEW_SYN_RECV (a
    /// request waiting in the listener's SYN queue, not yet a socket) is the RFC's SYN-RECEIVED.
    public static func box(for state: TCPState) -> String {
        switch state {
        case .established: "ESTABLISHED"
        case .synSent: "SYN-SENT"
        case .synRecv, .newSynRecv: "SYN-RECEIVED"
        case .finWait1: "FIN-WAIT-1"
        case .finWait2: "FIN-WAIT-2"
        case .timeWait: "TIME-WAIT"
        case .close: "CLOSED"
        case .closeWait: "CLOSE-WAIT"
        case .lastAck: "LAST-ACK"
        case .listen: "LISTEN"
        case .closing: "CLOSING"
        }
    }

    /// The kernel's names where they are not the RFC's, as `ss` and /proc show them.
    public static let kernelNames = "Linux names them SYN_RECV (SYN-RECEIVED), CLOSE (CLOSED), FIN_WAIT1/2, CLOSE_WAIT, "
        + "LAST_ACK, TIME_WAIT; NEW_SYN_RECV is a request in the listener's SYN queue, not yet a socket"

    /// The paths left out of the drawing.
    public static let notDrawn = "Not drawn: RST (any state to CLOSED; SYN-RECEIVED back to LISTEN), close() in "
        + "SYN-RECEIVED (to FIN-WAIT-1), a FIN that also ACKs ours (FIN-WAIT-1 to TIME-WAIT)"
}
