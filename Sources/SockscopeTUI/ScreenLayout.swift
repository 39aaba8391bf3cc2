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
    public private(set) var table = Region(top: 0, height: 0)
    public private(set) var log = Region(top: 0, height: 0)
    public var input: Int { rows - 2 }
    public var footer: Int { rows - 1 }

    public init(rows: Int, columns: Int, watchOnly: Bool, sessionCount: Int?) {
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
        if watchOnly {
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
