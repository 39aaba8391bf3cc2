/// `-i SECS` releases standard input one line at a time. This finds where the next line ends.
public enum LineBoundary {
    /// The index just past the first LF in `bytes[from..<to]`, or `to` when there is none and
    /// `atEnd` (the last partial line), or nil when the line is not complete yet.
    public static func next(in bytes: UnsafeRawBufferPointer, from: Int, to: Int, atEnd: Bool) -> Int? {
        var i = from
        while i < to {
            if bytes[i] == 0x0A { return i + 1 }
            i += 1
        }
        return atEnd && to > from ? to : nil
    }
}
