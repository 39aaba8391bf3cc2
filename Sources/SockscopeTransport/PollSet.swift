import Glibc

/// The descriptors of one poll() round, each with the name of what it is (DESIGN.md convention 2:
/// named slots). Descriptors with nothing to watch are left out, so the set never holds more
/// entries than there are open descriptors: poll() fails with EINVAL when asked for more entries
/// than RLIMIT_NOFILE (`ulimit -n 5`). The storage is kept between rounds.
public struct PollSet<Slot> {
    public private(set) var fds: [pollfd] = []
    public private(set) var slots: [Slot] = []

    public init() {}

    public mutating func reset() {
        fds.removeAll(keepingCapacity: true)
        slots.removeAll(keepingCapacity: true)
    }

    /// Watches `fd` for `events` this round; nothing happens for a closed descriptor or no events.
    public mutating func watch(_ fd: Int32, _ events: Int32, as slot: Slot) {
        guard fd >= 0, events != 0 else { return }
        fds.append(pollfd(fd: fd, events: Int16(truncatingIfNeeded: events), revents: 0))
        slots.append(slot)
    }

    /// Waits up to `timeout` milliseconds (-1: no limit). Returns false on EINTR; throws on
    /// anything else.
    public mutating func wait(timeout: Int32) throws(SystemError) -> Bool {
        let ready = poll(&fds, nfds_t(fds.count), timeout)
        if ready < 0 {
            if errno == EINTR { return false }
            throw SystemError("poll")
        }
        return true
    }

    public var count: Int { fds.count }

    /// What happened on entry `index` (in the order of `watch` calls).
    public func revents(_ index: Int) -> Int32 { Int32(fds[index].revents) }

    /// What happened on the entry watched as `slot` (0 when it was not watched: a descriptor
    /// that could not be had, as a signalfd refused).
    public func revents(of slot: Slot) -> Int32 where Slot: Equatable {
        slots.firstIndex(of: slot).map { Int32(fds[$0].revents) } ?? 0
    }
}
