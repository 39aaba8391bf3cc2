/// The input line: a cursor over characters, the editing keys of a shell (left, right, home, end,
/// backspace, delete, ctrl-u, ctrl-w) and a bounded history walked with up and down.
public struct LineEditor: Sendable, Equatable {
    public private(set) var characters: [Character] = []
    public private(set) var cursor = 0
    public private(set) var history: [String] = []
    /// Where up/down is in the history; `history.count` is the line being typed.
    var historyIndex = 0
    /// The line being typed before the history was entered, restored by walking down past the end.
    var draft: [Character] = []
    let historyLimit: Int

    public init(historyLimit: Int = 500) {
        self.historyLimit = historyLimit
    }

    public var text: String { String(characters) }

    public mutating func insert(_ character: Character) {
        characters.insert(character, at: cursor)
        cursor += 1
    }

    public mutating func moveLeft() { cursor = max(0, cursor - 1) }
    public mutating func moveRight() { cursor = min(characters.count, cursor + 1) }
    public mutating func moveHome() { cursor = 0 }
    public mutating func moveEnd() { cursor = characters.count }

    public mutating func backspace() {
        guard cursor > 0 else { return }
        characters.remove(at: cursor - 1)
        cursor -= 1
    }

    public mutating func deleteForward() {
        guard cursor < characters.count else { return }
        characters.remove(at: cursor)
    }

    /// Ctrl-U: everything before the cursor.
    public mutating func deleteToStart() {
        characters.removeSubrange(0..<cursor)
        cursor = 0
    }

    /// Ctrl-W: the word before the cursor, and the spaces after it, as a shell does.
    public mutating func deleteWordBackward() {
        var start = cursor
        while start > 0 && characters[start - 1].isWhitespace { start -= 1 }
        while start > 0 && !characters[start - 1].isWhitespace { start -= 1 }
        characters.removeSubrange(start..<cursor)
        cursor = start
    }

    public mutating func historyUp() {
        guard historyIndex > 0 else { return }
        if historyIndex == history.count { draft = characters }
        historyIndex -= 1
        load(Array(history[historyIndex]))
    }

    public mutating func historyDown() {
        guard historyIndex < history.count else { return }
        historyIndex += 1
        load(historyIndex == history.count ? draft : Array(history[historyIndex]))
    }

    /// Enter: returns the line, remembers it (not twice in a row) and starts an empty one.
    public mutating func submit() -> String {
        let line = text
        if !line.isEmpty && history.last != line {
            history.append(line)
            if history.count > historyLimit { history.removeFirst(history.count - historyLimit) }
        }
        historyIndex = history.count
        draft = []
        load([])
        return line
    }

    mutating func load(_ line: [Character]) {
        characters = line
        cursor = line.count
    }
}
