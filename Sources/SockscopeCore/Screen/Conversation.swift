/// The conversation's scrollback: what was received and sent, line by line, with times. Bytes are
/// kept raw (escaping happens only for the lines on screen, so a flood costs no text work) and
/// memory is bounded: at most `maxEntries` lines of at most `maxLineBytes` bytes each; a longer
/// run without a newline continues in a new entry.
public struct Conversation: Sendable {
    public enum Direction: Sendable, Equatable {
        case received, sent
        /// What happened to the connection (connected, FIN received, errors), in words.
        case note
    }

    public struct Entry: Sendable, Equatable {
        public var time: Double
        public var direction: Direction
        /// Which connection (under -l -k there are several); 0 for notes about the whole screen.
        public var connection: Int
        /// Raw bytes, with the newline that ended the line (if one did).
        public var bytes: [UInt8]
        public var complete: Bool

        /// The text on screen: the line without its final newline.
        public var shownBytes: ArraySlice<UInt8> {
            complete && bytes.last == 0x0A ? bytes.dropLast() : bytes[...]
        }
    }

    public let maxEntries: Int
    public let maxLineBytes: Int
    public private(set) var entries: [Entry] = []
    /// Entries dropped from the top since the start (for "N earlier lines dropped").
    public private(set) var dropped = 0

    public init(maxEntries: Int = 5000, maxLineBytes: Int = 1024) {
        self.maxEntries = max(1, maxEntries)
        self.maxLineBytes = max(16, maxLineBytes)
    }

    /// Bytes that crossed the network. A line still open from the same connection and direction, and
    /// last on screen, is continued; otherwise a new entry starts.
    public mutating func append(_ bytes: [UInt8], direction: Direction, connection: Int, at time: Double) {
        bytes.withUnsafeBytes { append($0, direction: direction, connection: connection, at: time) }
    }

    /// The same from raw memory (the read buffer): concrete, so that a flood runs specialised code.
    public mutating func append(_ bytes: UnsafeRawBufferPointer, direction: Direction, connection: Int, at time: Double) {
        var start = 0
        while start < bytes.count {
            if entries.last.map({ !$0.complete && $0.direction == direction && $0.connection == connection }) != true {
                entries.append(Entry(time: time, direction: direction, connection: connection, bytes: [], complete: false))
            }
            let last = entries.count - 1
            let end = min(bytes.count, start + maxLineBytes - entries[last].bytes.count)
            var cut = end
            var newline = false
            if let found = bytes[start..<end].firstIndex(of: 0x0A) {
                cut = found + 1
                newline = true
            }
            entries[last].bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<cut]))
            if newline || entries[last].bytes.count >= maxLineBytes { entries[last].complete = true }
            start = cut
            trim()
        }
    }

    /// A line in words about the connection (not peer data).
    public mutating func note(_ text: String, connection: Int, at time: Double) {
        entries.append(Entry(time: time, direction: .note, connection: connection, bytes: Array(text.utf8), complete: true))
        trim()
    }

    /// Drops the oldest entries in batches, so that trimming costs O(1) per appended line.
    mutating func trim() {
        guard entries.count > maxEntries + maxEntries / 8 else { return }
        let excess = entries.count - maxEntries
        entries.removeFirst(excess)
        dropped += excess
    }

    public mutating func clear() {
        dropped += entries.count
        entries.removeAll()
    }
}
