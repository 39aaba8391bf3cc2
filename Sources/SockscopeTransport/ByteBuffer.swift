import Glibc

/// A fixed-capacity byte queue in one allocation: filled at `end`, drained from `start`.
/// Reads land in it directly and writes leave from it directly, so no byte is copied twice.
final class ByteBuffer {
    let capacity: Int
    let base: UnsafeMutableRawPointer
    private(set) var start = 0
    private(set) var end = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    var count: Int { end - start }
    var isEmpty: Bool { start == end }
    /// Free bytes after `end`.
    var room: Int { capacity - end }
    var readable: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base + start, count: count) }
    var writable: UnsafeMutableRawPointer { base + end }

    func didFill(_ n: Int) { end += n }

    func didDrain(_ n: Int) {
        start += n
        if start == end { start = 0; end = 0 }
    }

    /// Moves unread bytes to the front when that frees useful room (at most once per buffer).
    func compact() {
        guard start > 0 else { return }
        memmove(base, base + start, count)
        end -= start
        start = 0
    }
}
