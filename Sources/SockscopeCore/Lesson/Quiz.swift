/// `lesson NAME --quiz` (issue 23): predict, then see. Before a step runs — before its hold is
/// released — the student is asked, for each end the step is about, the state it will be in
/// and the segment that will bring it there; the step runs; each answer is scored against what
/// the kernel did (the end's socket in the table, the segments captured in the step). Pure.
public enum Quiz {
    /// A segment by what it does, as a class names it.
    public enum SegmentKind: String, CaseIterable, Sendable {
        case syn = "SYN", synAck = "SYN-ACK", ack = "ACK", data = "data", fin = "FIN", rst = "RST", none = "none"

        /// What a captured segment is: RST before SYN before FIN before data before a bare ACK.
        public init(_ segment: Segment) {
            guard let tcp = segment.tcp else {
                self = segment.length > 0 ? .data : .none
                return
            }
            if tcp.flags.contains(.rst) {
                self = .rst
            } else if tcp.flags.contains(.syn) {
                self = tcp.flags.contains(.ack) ? .synAck : .syn
            } else if tcp.flags.contains(.fin) {
                self = .fin
            } else {
                self = tcp.dataLength > 0 ? .data : .ack
            }
        }

        /// `SYN-ACK`, `syn ack`, `S.`, `F.`, `data`, `PSH`…; nil for anything else.
        public init?(answer: String) {
            let key = String(answer.uppercased().filter { !" -_".contains($0) })
            switch key {
            case "SYN", "S": self = .syn
            case "SYNACK", "S.": self = .synAck
            case "ACK", ".": self = .ack
            case "DATA", "PSH", "P.", "PSHACK": self = .data
            case "FIN", "F.", "FINACK": self = .fin
            case "RST", "R", "R.", "RESET": self = .rst
            case "NONE", "NOTHING", "NO": self = .none
            default: return nil
            }
        }
    }

    /// What a step asks: each end whose state it checks.
    public static func ends(of step: LessonStep) -> [LabEnd] {
        var ends: [LabEnd] = []
        for expectation in step.expect {
            switch expectation {
            case .state(let end, _), .noSocket(let end): if !ends.contains(end) { ends.append(end) }
            default: break
            }
        }
        return ends
    }

    /// RFC 9293's names, offered as the choices.
    public static let choices = ["LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT",
                                 "CLOSING", "LAST-ACK", "TIME-WAIT", "CLOSED"]

    public static func stateQuestion(_ end: LabEnd) -> String {
        "\(end.name): its state after this step? (\(choices.joined(separator: ", ")))"
    }

    public static func segmentQuestion(_ end: LabEnd) -> String {
        "\(end.name): the segment that brings it there? (\(SegmentKind.allCases.map(\.rawValue).joined(separator: ", ")))"
    }

    /// A state as anyone spells it: the kernel's (FIN_WAIT1), the RFC's (FIN-WAIT-1), the
    /// textbooks' (FIN_WAIT_1, SYN_RCVD), ss's (fin-wait-1, estab); CLOSED is the kernel's CLOSE.
    public static func state(answer: String) -> TCPState? {
        let key = String(answer.uppercased().map { $0 == "-" || $0 == " " ? "_" : $0 }).trimmingBlanks()
        switch key {
        case "CLOSED", "CLOSE": return .close
        case "SYN_RECEIVED", "SYN_RCVD", "SYN_RECV": return .synRecv
        case "FIN_WAIT_1": return .finWait1
        case "FIN_WAIT_2": return .finWait2
        default: return TCPState(name: key)
        }
    }

    /// One answer scored: what was asked, what was said, what the kernel did.
    public struct Answer: Sendable, Equatable {
        public var question: String
        public var given: String
        public var truth: String
        public var right: Bool

        public init(question: String, given: String, truth: String, right: Bool) {
            self.question = question
            self.given = given
            self.truth = truth
            self.right = right
        }
    }

    /// The state answer against the end's socket after the step (nil: no socket, CLOSED).
    public static func scoreState(_ end: LabEnd, given: String, actual: TCPState?) -> Answer {
        let truth = actual ?? .close
        let rfc = LessonHandout.names.first { $0.kernel == truth.name }?.rfc ?? truth.name
        return Answer(question: "\(end.name)'s state", given: given, truth: rfc, right: state(answer: given) == truth)
    }

    /// The segment answer against the segments the step captured to or from the end: right when
    /// one of them is of that kind (or, for `none`, when there was none).
    public static func scoreSegment(_ end: LabEnd, given: String, segments: [Segment]) -> Answer {
        let mine = segments.filter { $0.frame.source == end.local || $0.frame.destination == end.local }
        let kinds = mine.map(SegmentKind.init)
        var seen: [SegmentKind] = []
        for kind in kinds where !seen.contains(kind) { seen.append(kind) }
        let said = SegmentKind(answer: given)
        let right = said.map { $0 == .none ? mine.isEmpty : kinds.contains($0) } ?? false
        return Answer(question: "\(end.name)'s segment", given: given,
                      truth: seen.isEmpty ? "none" : seen.map(\.rawValue).joined(separator: ", "), right: right)
    }
}

extension String {
    func trimmingBlanks() -> String {
        String(drop { $0 == " " || $0 == "_" }.reversed().drop { $0 == " " || $0 == "_" }.reversed())
    }

}
