/// The ladder's rows: each event takes the row above it when its place there is free (a state
/// written beside the segment that caused it), and runs of plain data segments fold into one row
/// so that the handshake and the close stay in view.
extension Ladder {
    /// Runs of more plain segments than this fold, keeping `edge` rows at each end.
    public static let foldAbove = 6
    static let edge = 2

    /// `stateJoins`: how close in time a state must be to the row above to be written on it (the
    /// screen's readings can be late by a polling interval; a lesson's states are traced, exact).
    public func rows(stateJoins window: Double = 0.5) -> [LadderRow] {
        var rows: [LadderRow] = []
        for event in events {
            switch event {
            case .segment(let segment):
                let rightward = segment.frame.source == left
                let arrow = LadderRow.Middle.arrow(.init(rightward: rightward, segment: segment,
                                                         records: records(in: segment, sentBy: rightward ? .left : .right)))
                // Beside the state its sender entered as it sent it (SYN_SENT and the SYN), never
                // beside the receiver's, which the segment did not cause.
                if var last = rows.last, last.middle == .empty, (rightward ? last.rightState : last.leftState) == nil {
                    last.middle = arrow
                    rows[rows.count - 1] = last
                } else {
                    rows.append(LadderRow(time: segment.time, middle: arrow))
                }
            case .state(let time, let side, let state):
                if var last = rows.last, (side == .left ? last.leftState : last.rightState) == nil, time - last.time < window {
                    if side == .left { last.leftState = state } else { last.rightState = state }
                    rows[rows.count - 1] = last
                } else {
                    rows.append(LadderRow(time: time, leftState: side == .left ? state : nil, rightState: side == .right ? state : nil))
                }
            case .action(let time, let side, let text):
                rows.append(LadderRow(time: time, middle: .action(side: side, text: text)))
            }
        }
        return Self.fold(rows)
    }

    /// A row that says nothing new: a data segment or a bare ACK, no state change, no marker,
    /// no TLS record but application data.
    static func isPlain(_ row: LadderRow) -> Bool {
        guard row.leftState == nil, row.rightState == nil, let arrow = row.arrow, arrow.segment.markers.isEmpty,
              arrow.records.allSatisfy(\.isApplicationData) else { return false }
        guard let tcp = arrow.segment.tcp else { return true }
        return tcp.flags.isDisjoint(with: [.syn, .fin, .rst])
    }

    static func fold(_ rows: [LadderRow]) -> [LadderRow] {
        var out: [LadderRow] = []
        var run: [LadderRow] = []
        func flush() {
            if run.count > foldAbove {
                out += run.prefix(edge)
                let middle = run.dropFirst(edge).dropLast(edge)
                out.append(LadderRow(time: middle.first?.time ?? 0, middle: .group(summary(of: Array(middle)))))
                out += run.suffix(edge)
            } else {
                out += run
            }
            run.removeAll()
        }
        for row in rows {
            if isPlain(row) {
                run.append(row)
            } else {
                flush()
                out.append(row)
            }
        }
        flush()
        return out
    }

    /// `… 812 segments: 806 with data (53.0 MB →, 120 B ←), 6 ACKs`.
    static func summary(of rows: [LadderRow]) -> String {
        let segments = rows.compactMap(\.arrow)
        let data = segments.filter { $0.segment.length > 0 }
        let rightward = data.filter(\.rightward).reduce(0) { $0 + $1.segment.length }
        let leftward = data.filter { !$0.rightward }.reduce(0) { $0 + $1.segment.length }
        var parts: [String] = []
        if rightward > 0 { parts.append("\(ByteCount.text(rightward)) →") }
        if leftward > 0 { parts.append("\(ByteCount.text(leftward)) ←") }
        var text = "… \(segments.count) segments: \(data.count) with data"
        if !parts.isEmpty { text += " (\(parts.joined(separator: ", ")))" }
        let acks = segments.count - data.count
        if acks > 0 { text += ", \(acks) ACK\(acks == 1 ? "" : "s")" }
        return text
    }
}
