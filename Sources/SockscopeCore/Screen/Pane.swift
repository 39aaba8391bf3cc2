/// A part of the screen that can have the focus: the arrows and page keys move in it. Typing
/// always goes to the input line; with the conversation focused, the arrows edit that line.
public enum Pane: Sendable, CaseIterable, Equatable {
    case conversation, ladder, table, log

    public var title: String {
        switch self {
        case .conversation: "Conversation"
        case .ladder: "Ladder"
        case .table: "Sockets"
        case .log: "Transitions"
        }
    }
}
