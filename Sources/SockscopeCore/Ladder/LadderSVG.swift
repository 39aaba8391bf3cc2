/// `--ladder FILE.svg`: a ladder as an SVG picture for a slide — both columns with their
/// endpoints, each state written on its column where it changed, one labelled arrow per segment
/// shown (sloping down, as time passes on the way) with the TLS records it carries under it,
/// actions in italics, folded data in grey.
public enum LadderSVG {
    static let width = 960
    static let leftRail = 300
    static let rightRail = 760
    /// A row's arrow falls 12 px (from 6 above its line to 6 below); its label sits wholly above
    /// that (baseline 10 above, 11 px high) and the TLS records' wholly below (baseline 17 below),
    /// so that no text crosses an arrow, and the next row's label starts below the records.
    static let rowHeight = 42
    static let top = 70

    /// One ladder in a picture: its column heads (default: ours / peer and the endpoints) and
    /// the segments a lesson's hold dropped (drawn dashed, stopped short, marked ✗).
    public struct Panel: Sendable {
        public var ladder: Ladder
        public var leftTitle: String
        public var rightTitle: String
        public var dropped: Set<Segment>

        public init(_ ladder: Ladder, leftTitle: String? = nil, rightTitle: String? = nil, dropped: Set<Segment> = []) {
            self.ladder = ladder
            self.leftTitle = leftTitle ?? (ladder.ours == .left ? "ours " : "peer ") + ladder.left.description
            self.rightTitle = rightTitle ?? (ladder.ours == .right ? "ours " : "peer ") + ladder.right.description
            self.dropped = dropped
        }
    }

    public static func render(_ ladder: Ladder) -> String { render([Panel(ladder)]) }

    /// Several ladders, one under the other (a lesson's connections in the order they came).
    /// `rowGroups`: each row's elements in a `<g class="row" data-row="N">`, numbered across the
    /// panels, for a page that reveals them one by one (`LessonPage`); `standalone`: with the
    /// XML declaration of a file of its own.
    public static func render(_ panels: [Panel], rowGroups: Bool = false, standalone: Bool = true) -> String {
        var body = ""
        var offset = 0
        var rowNumber = 0
        for panel in panels {
            let (drawn, height) = draw(panel, at: offset, firstRow: rowGroups ? rowNumber : nil)
            body += drawn
            offset += height
            rowNumber += panel.ladder.rows().count
        }
        let height = max(offset, top)
        return (standalone ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" : "") + """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" font-family="monospace" font-size="13">
            <defs><marker id="head" markerWidth="10" markerHeight="8" refX="9" refY="4" orient="auto"><path d="M0,0 L10,4 L0,8 z" fill="#333"/></marker></defs>
            <rect width="100%" height="100%" fill="white"/>

            """ + body + "</svg>\n"
    }

    /// One panel's elements from `y0` down, and the height it takes.
    static func draw(_ panel: Panel, at y0: Int, firstRow: Int? = nil) -> (String, Int) {
        let ladder = panel.ladder
        let rows = ladder.rows()
        let height = top + rows.count * rowHeight + 30
        let origin = ladder.events.first?.time ?? 0
        var svg = ""
        svg += text(panel.leftTitle, x: leftRail, y: y0 + 30, anchor: "middle", style: "font-weight:bold")
        svg += text(panel.rightTitle, x: rightRail, y: y0 + 30, anchor: "middle", style: "font-weight:bold")
        svg += text("time (s)", x: 10, y: y0 + 30, anchor: "start", style: "fill:#666")
        for rail in [leftRail, rightRail] {
            svg += "<line class=\"rail\" x1=\"\(rail)\" y1=\"\(y0 + top - 20)\" x2=\"\(rail)\" y2=\"\(y0 + height - 10)\" stroke=\"#999\" stroke-width=\"2\"/>\n"
        }
        for (index, row) in rows.enumerated() {
            let y = y0 + top + index * rowHeight
            if let firstRow { svg += "<g class=\"row\" data-row=\"\(firstRow + index)\">\n" }
            defer { if firstRow != nil { svg += "</g>\n" } }
            svg += text(LadderTime.text(row.time - origin), x: 10, y: y + 4, anchor: "start", style: "fill:#666")
            if let state = row.leftState { svg += text(state.name, x: leftRail - 8, y: y + 4, anchor: "end", style: "fill:#a33;font-weight:bold") }
            if let state = row.rightState { svg += text(state.name, x: rightRail + 8, y: y + 4, anchor: "start", style: "fill:#a33;font-weight:bold") }
            switch row.middle {
            case .empty:
                break
            case .arrow(let arrow):
                let (x1, x2) = arrow.rightward ? (leftRail, rightRail) : (rightRail, leftRail)
                let colour = arrow.segment.markers.isEmpty ? "#333" : "#c60"
                if panel.dropped.contains(arrow.segment) {
                    // Dropped on arrival by a hold: it never reached the other end.
                    let stop = x1 + (x2 - x1) * 3 / 4
                    svg += "<line class=\"segment dropped\" x1=\"\(x1)\" y1=\"\(y - 6)\" x2=\"\(stop)\" y2=\"\(y + 3)\" stroke=\"#c00\" stroke-width=\"1.5\" stroke-dasharray=\"6,4\"/>\n"
                    svg += text("✗", x: stop, y: y + 8, anchor: "middle", style: "fill:#c00;font-weight:bold")
                } else {
                    svg += "<line class=\"segment\" x1=\"\(x1)\" y1=\"\(y - 6)\" x2=\"\(x2)\" y2=\"\(y + 6)\" stroke=\"\(colour)\" stroke-width=\"1.5\" marker-end=\"url(#head)\"/>\n"
                }
                let label = [panel.dropped.contains(arrow.segment) ? "✗ dropped by a hold" : nil, arrow.segment.markerTag,
                             arrow.segment.ladderLabel].compactMap { $0 }.joined(separator: " ")
                svg += text(label, x: (leftRail + rightRail) / 2, y: y - 10, anchor: "middle", style: "fill:\(colour);font-size:11px")
                // The TLS records it carries, under the arrow: above it there is no room for both.
                if let records = TLSRecord.label(of: arrow.records) {
                    svg += text(records, x: (leftRail + rightRail) / 2, y: y + 19, anchor: "middle", style: "fill:#070;font-size:11px")
                }
            case .action(let side, let words):
                svg += text(words, x: side == .left ? leftRail + 8 : rightRail - 8, y: y + 4, anchor: side == .left ? "start" : "end",
                            style: "font-style:italic;fill:#06c")
            case .group(let words):
                svg += text(words, x: (leftRail + rightRail) / 2, y: y + 4, anchor: "middle", style: "fill:#888")
            }
        }
        return (svg, height)
    }

    static func text(_ content: String, x: Int, y: Int, anchor: String, style: String) -> String {
        "<text x=\"\(x)\" y=\"\(y)\" text-anchor=\"\(anchor)\" style=\"\(style)\">\(escape(content))</text>\n"
    }

    /// XML's five: a label holds `<mss …>` and an endpoint may hold anything a user typed.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            // XML has no place for control characters (a proxy's status line may hold ESC):
            // shown as the screen shows them.
            case _ where character.unicodeScalars.contains(where: EscapedText.needsEscape): out += String(character).terminalSafe
            default: out.append(character)
            }
        }
        return out
    }
}
