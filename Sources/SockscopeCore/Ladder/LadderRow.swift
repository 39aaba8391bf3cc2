/// One row of a drawn ladder: a time, each column's label (a state it entered), and between the
/// columns an arrow (a segment), an application's action, or a group of segments folded into one
/// line. Rows are made by `Ladder.rows()`; the screen and the SVG only lay them out.
public struct LadderRow: Sendable, Equatable {
    public struct Arrow: Sendable, Equatable {
        /// From the left column to the right one.
        public var rightward: Bool
        public var segment: Segment
        /// The TLS records whose headers the segment carries (none on a plain connection).
        public var records: [TLSRecord] = []

        /// The words beside the arrow: the analysis's markers, then what TLS records it
        /// carries, then the segment's flags and numbers.
        public var label: String {
            [segment.markerTag, TLSRecord.label(of: records), segment.ladderLabel].compactMap { $0 }.joined(separator: " ")
        }
    }

    public enum Middle: Sendable, Equatable {
        case empty
        case arrow(Arrow)
        case action(side: Ladder.Side, text: String)
        /// Segments folded into one row: `… 812 segments: 806 with data (53.0 MB →), 6 ACKs`.
        case group(String)
    }

    public var time: Double
    public var leftState: TCPState?
    public var rightState: TCPState?
    public var middle: Middle

    public init(time: Double, leftState: TCPState? = nil, rightState: TCPState? = nil, middle: Middle = .empty) {
        self.time = time
        self.leftState = leftState
        self.rightState = rightState
        self.middle = middle
    }

    public var arrow: Arrow? {
        if case .arrow(let arrow) = middle { return arrow }
        return nil
    }
}
