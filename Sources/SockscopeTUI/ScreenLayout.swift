import SockscopeCore

/// Where each part of the screen goes for a terminal size: a pure function of the size and of
/// what the model shows, tested at 80×24, 120×40 and 60×20.
public struct ScreenLayout: Equatable, Sendable {
    public struct Region: Equatable, Sendable {
        public var top: Int
        public var height: Int
        public var bottom: Int { top + height }
    }

    public static let minimumRows = 12
    public static let minimumColumns = 40

    public let rows: Int
    public let columns: Int
    public var tooSmall: Bool { rows < Self.minimumRows || columns < Self.minimumColumns }
    public private(set) var header = Region(top: 0, height: 2)
    public private(set) var sessions: Region?
    public private(set) var conversation: Region?
    /// The ladder: under the conversation on a tall screen, in its place otherwise.
    public private(set) var ladder: Region?
    public private(set) var table = Region(top: 0, height: 0)
    public private(set) var log = Region(top: 0, height: 0)
    public var input: Int { rows - 2 }
    public var footer: Int { rows - 1 }

    public init(rows: Int, columns: Int, watchOnly: Bool, sessionCount: Int?, ladder showsLadder: Bool = false) {
        self.rows = rows
        self.columns = columns
        guard !tooSmall else { return }
        var top = header.bottom
        var available = rows - header.height - 2
        if let sessionCount, available >= 16 {
            // -l -k: a title and up to four sessions (the list scrolls to the selected one).
            let height = 1 + min(4, max(1, sessionCount))
            sessions = Region(top: top, height: height)
            top += height
            available -= height
        }
        if showsLadder && !watchOnly {
            if rows >= ScreenModel.tallEnough {
                // Tall: everything, the ladder the largest (a handshake and a close need ~20 rows).
                let conversationHeight = max(3, available * 3 / 20), ladderHeight = available * 9 / 20
                let tableHeight = max(3, available * 4 / 20)
                conversation = Region(top: top, height: conversationHeight)
                ladder = Region(top: top + conversationHeight, height: ladderHeight)
                table = Region(top: top + conversationHeight + ladderHeight, height: tableHeight)
                log = Region(top: table.bottom, height: available - conversationHeight - ladderHeight - tableHeight)
            } else {
                // The ladder in place of the conversation and the table (its columns show both
                // ends' states); F9 brings them back.
                let ladderHeight = max(6, available * 13 / 20)
                ladder = Region(top: top, height: ladderHeight)
                table = Region(top: top + ladderHeight, height: 0)
                log = Region(top: top + ladderHeight, height: available - ladderHeight)
            }
        } else if watchOnly {
            let tableHeight = max(4, available * 11 / 20)
            table = Region(top: top, height: tableHeight)
            log = Region(top: table.bottom, height: available - tableHeight)
        } else {
            let conversationHeight = max(3, available * 7 / 20)
            let tableHeight = max(3, available * 6 / 20)
            conversation = Region(top: top, height: conversationHeight)
            table = Region(top: top + conversationHeight, height: tableHeight)
            log = Region(top: table.bottom, height: available - conversationHeight - tableHeight)
        }
    }
}
