import SockscopeCore

/// Where each part of the screen goes for a terminal size: a pure function of the size and of
/// how many rows each pane's content would fill, tested at 80×24, 120×40 and 60×20. Panes share
/// the rows by what they hold: none is given blank rows while another cuts its content.
public struct ScreenLayout: Equatable, Sendable {
    public struct Region: Equatable, Sendable {
        public var top: Int
        public var height: Int
        public var bottom: Int { top + height }
    }

    /// The rows each pane's content fills, its title rule included (what it would show if it
    /// had all the room).
    public struct Wants: Equatable, Sendable {
        public var conversation = 0, ladder = 0, table = 0, log = 0
        public init(conversation: Int = 0, ladder: Int = 0, table: Int = 0, log: Int = 0) {
            self.conversation = conversation
            self.ladder = ladder
            self.table = table
            self.log = log
        }
    }

    public static let minimumRows = 12
    public static let minimumColumns = 40

    public let rows: Int
    public let columns: Int
    public var tooSmall: Bool { rows < Self.minimumRows || columns < Self.minimumColumns }
    /// One row: who talks to whom, whether the connection ended, the sources.
    public private(set) var header = Region(top: 0, height: 1)
    public private(set) var connections: Region?
    public private(set) var conversation: Region?
    /// The ladder: beside the others on a tall screen, in place of the conversation and the table otherwise.
    public private(set) var ladder: Region?
    public private(set) var table = Region(top: 0, height: 0)
    public private(set) var log = Region(top: 0, height: 0)
    public var input: Int { rows - 2 }
    public var footer: Int { rows - 1 }

    /// A pane's claim: at least `least` rows, up to `want`; rows beyond every want go to the
    /// elastic panes (the streams that grow), by weight.
    struct Claim {
        var pane: Pane
        var least: Int
        var want: Int
        var weight: Int
        var elastic: Bool
    }

    public init(rows: Int, columns: Int, watchOnly: Bool, sessionCount: Int?, ladder showsLadder: Bool = false,
                wants: Wants = Wants()) {
        self.rows = rows
        self.columns = columns
        guard !tooSmall else { return }
        var top = header.bottom
        var available = rows - header.height - 2
        if let sessionCount, available >= 16 {
            // -l -k: a title and up to four connections (the list scrolls to the selected one).
            let height = 1 + min(4, max(1, sessionCount))
            connections = Region(top: top, height: height)
            top += height
            available -= height
        }
        let claims: [Claim]
        if showsLadder && !watchOnly && rows >= ScreenModel.tallEnough {
            claims = [Claim(pane: .conversation, least: 3, want: wants.conversation, weight: 3, elastic: true),
                      Claim(pane: .ladder, least: 8, want: wants.ladder, weight: 9, elastic: true),
                      Claim(pane: .table, least: 3, want: wants.table, weight: 4, elastic: false),
                      Claim(pane: .log, least: 3, want: wants.log, weight: 4, elastic: true)]
        } else if showsLadder && !watchOnly {
            // The ladder in place of the conversation and the table (its columns show both ends'
            // states); F9 brings them back.
            claims = [Claim(pane: .ladder, least: 6, want: wants.ladder, weight: 13, elastic: true),
                      Claim(pane: .log, least: 3, want: wants.log, weight: 7, elastic: true)]
        } else if watchOnly {
            claims = [Claim(pane: .table, least: 4, want: wants.table, weight: 11, elastic: true),
                      Claim(pane: .log, least: 3, want: wants.log, weight: 9, elastic: true)]
        } else {
            claims = [Claim(pane: .conversation, least: 3, want: wants.conversation, weight: 7, elastic: true),
                      Claim(pane: .table, least: 3, want: wants.table, weight: 6, elastic: false),
                      Claim(pane: .log, least: 3, want: wants.log, weight: 7, elastic: true)]
        }
        let heights = Self.share(available, among: claims)
        table = Region(top: top, height: 0)
        for (claim, height) in zip(claims, heights) {
            let region = Region(top: top, height: height)
            switch claim.pane {
            case .conversation: conversation = region
            case .ladder: ladder = region
            case .table: table = region
            case .log: log = region
            }
            top += height
        }
        if ladder != nil && conversation == nil { table = Region(top: log.top, height: 0) }
    }

    /// Each claim's least first; then, a row at a time, to the claim furthest below its want for
    /// its weight; what no one wants goes to the elastic claims the same way.
    static func share(_ available: Int, among claims: [Claim]) -> [Int] {
        var heights = claims.map(\.least)
        // Too little room even for the least: take from the tallest, down to two rows each.
        while heights.reduce(0, +) > available, let index = heights.indices.max(by: { heights[$0] < heights[$1] }),
              heights[index] > 2 {
            heights[index] -= 1
        }
        var left = available - heights.reduce(0, +)
        func give(_ eligible: (Int) -> Bool) {
            while left > 0 {
                let candidates = claims.indices.filter(eligible)
                guard let index = candidates.min(by: {
                    Double(heights[$0]) / Double(claims[$0].weight) < Double(heights[$1]) / Double(claims[$1].weight)
                }) else { return }
                heights[index] += 1
                left -= 1
            }
        }
        give { heights[$0] < claims[$0].want }
        give { claims[$0].elastic }
        return heights
    }
}
