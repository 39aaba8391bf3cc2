import Glibc
import SockscopeCore

/// An in-memory screen for tests: views draw into it exactly as into the terminal, and `text`
/// gives the rows for snapshot comparison. Keys pressed with `press` wake a loop that polls
/// `keyboard`, as a terminal's would.
public final class CellGrid: Screen {
    public struct Cell: Equatable, Sendable {
        /// The character drawn here; empty for the right half of a wide character.
        public var text: String
        public var style: Style
    }

    public private(set) var rows: Int
    public private(set) var columns: Int
    public private(set) var cells: [[Cell]]
    public private(set) var cursor: (row: Int, column: Int)?
    /// Whether `close()` was called (the terminal given back).
    public private(set) var closed = false
    private var keys: [Key] = []
    private var wakeup: [Int32] = [-1, -1]

    public let asciiOnly: Bool

    /// `asciiOnly`: drawn as under a locale that is not UTF-8.
    public init(rows: Int, columns: Int, asciiOnly: Bool = false) {
        self.rows = rows
        self.columns = columns
        self.asciiOnly = asciiOnly
        cells = Array(repeating: Array(repeating: Cell(text: " ", style: .normal), count: columns), count: rows)
    }

    deinit { wakeup.filter { $0 >= 0 }.forEach { Glibc.close($0) } }

    /// A pipe that is readable while keys wait, made when first asked for.
    public var keyboard: Int32 {
        if wakeup[0] < 0 {
            pipe(&wakeup)
            for fd in wakeup { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            _ = fcntl(wakeup[0], F_SETFL, O_NONBLOCK)
        }
        return wakeup[0]
    }

    /// Queues keys, as if typed.
    public func press(_ typed: [Key]) {
        keys += typed
        _ = keyboard  // the pipe exists from here on
        var byte: UInt8 = 1
        _ = write(wakeup[1], &byte, 1)
    }

    /// Queues a line of text and Enter.
    public func type(_ line: String) { press(line.map { .character($0) } + [.enter]) }

    public func readKeys() -> [Key] {
        var drain = [UInt8](repeating: 0, count: 256)
        while wakeup[0] >= 0 && read(wakeup[0], &drain, drain.count) > 0 {}
        defer { keys = [] }
        return keys
    }

    /// Changes the size, as a terminal resized would (the loop learns of it by SIGWINCH).
    public func setSize(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        cells = Array(repeating: Array(repeating: Cell(text: " ", style: .normal), count: columns), count: rows)
    }

    public func resize() {}
    public func close() { closed = true }
    /// Counts of `suspend()` and `resume()`.
    public private(set) var suspensions = 0, resumptions = 0
    public func suspend() { suspensions += 1 }
    public func resume() { resumptions += 1 }

    public func erase() {
        for row in 0..<rows { fill(row: row, from: 0, style: .normal) }
        cursor = nil
    }

    @discardableResult
    public func put(_ text: String, row: Int, column: Int, style: Style) -> Int {
        guard row >= 0 && row < rows else { return column }
        var x = column
        // As the terminal's: control characters left in the text are shown escaped.
        let text = text.controlsEscaped
        for scalar in (asciiOnly ? ASCIIGlyphs.fold(text) : text).unicodeScalars {
            let width = DisplayWidth.of(scalar)
            if width == 0 {
                // A combining mark joins the character before it.
                if x > 0 && x <= columns { cells[row][x - 1].text.unicodeScalars.append(scalar) }
                continue
            }
            guard x >= 0, x + width <= columns else { break }
            cells[row][x] = Cell(text: String(scalar), style: style)
            if width == 2 { cells[row][x + 1] = Cell(text: "", style: style) }
            x += width
        }
        return x
    }

    public func fill(row: Int, from column: Int, style: Style) {
        guard row >= 0 && row < rows else { return }
        for x in max(0, column)..<columns { cells[row][x] = Cell(text: " ", style: style) }
    }

    public func placeCursor(row: Int, column: Int) { cursor = (row, column) }
    public func hideCursor() { cursor = nil }
    public func present() {}

    /// The rows as text, trailing blanks removed, one line each.
    public var text: String {
        cells.map { row in
            var line = row.map(\.text).joined()
            while line.last == " " { line.removeLast() }
            return line + "\n"
        }.joined()
    }

    /// The style of the cell under the first occurrence of `needle` in `row`'s text.
    public func style(ofText needle: String, row: Int) -> Style? {
        var scalars: [Unicode.Scalar] = []
        var columnOf: [Int] = []  // scalar offset → column
        for (x, cell) in cells[row].enumerated() {
            for scalar in cell.text.unicodeScalars {
                scalars.append(scalar)
                columnOf.append(x)
            }
        }
        let wanted = Array(needle.unicodeScalars)
        guard !wanted.isEmpty, scalars.count >= wanted.count else { return nil }
        for start in 0...(scalars.count - wanted.count) where Array(scalars[start..<start + wanted.count]) == wanted {
            return cells[row][columnOf[start]].style
        }
        return nil
    }
}
