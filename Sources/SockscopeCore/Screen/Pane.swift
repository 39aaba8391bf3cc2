/// A part of the screen that can have the focus: the arrows and page keys move in it. Typing
/// always goes to the input line; with the conversation focused, the arrows edit that line.
public enum Pane: Sendable, CaseIterable, Equatable {
    case conversation, ladder, table, log
}
