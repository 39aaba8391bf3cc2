/// One page of a tracing ring buffer, as `per_cpu/cpuN/trace_pipe_raw` returns it: a header
/// (the page's start time and how many bytes it holds, with flags), then records, each behind a
/// 32-bit header of a 5-bit type/length and a 27-bit time delta (tracefs `events/header_event`).
/// Binary, so the kernel formats no text (a plain `cat trace_pipe` already spends more than the
/// events cost) and every field is there: the socket's address, IPv6, nanoseconds.
///
/// Pure and defensive: a record or length that does not fit ends the page and counts as
/// malformed; nothing read from the kernel is trusted to be in bounds.
public enum TracePage {
    public struct Summary: Sendable, Equatable {
        public var events = 0
        /// The kernel dropped records before this page (the reader fell behind): `RB_MISSED_EVENTS`.
        public var missedBefore = false
        public var malformed = false
    }

    // Record types above the data lengths (1...28 words; 0: length in the next word).
    static let padding: UInt32 = 29, timeExtend: UInt32 = 30, timeStamp: UInt32 = 31
    static let missedEvents: Int64 = 1 << 31, missedStored: Int64 = 1 << 30
    static let ipProtoTCP: UInt16 = 6

    /// Appends the page's TCP state changes to `events` (time in seconds: the trace clock is
    /// CLOCK_MONOTONIC in nanoseconds).
    @discardableResult
    public static func decode(_ page: UnsafeRawBufferPointer, layout: TraceLayout, cpu: Int = 0,
                              into events: inout [TraceEvent]) -> Summary {
        var summary = Summary()
        guard layout.timestamp.offset + 8 <= page.count, layout.commit.offset + 8 <= page.count else {
            summary.malformed = page.count > 0
            return summary
        }
        var time = page.loadUnaligned(fromByteOffset: layout.timestamp.offset, as: UInt64.self)
        let commit = page.loadUnaligned(fromByteOffset: layout.commit.offset, as: Int64.self)
        summary.missedBefore = commit & missedEvents != 0
        let length = Int(commit & ~(missedEvents | missedStored) & 0xFFFF_FFFF)
        let start = layout.data.offset
        guard start + length <= page.count else {
            summary.malformed = true
            return summary
        }
        let end = start + length
        var offset = start
        while offset + 4 <= end {
            let header = page.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
            let kind = header & 31, delta = UInt64(header >> 5)
            offset += 4
            switch kind {
            case padding:
                // A zero delta marks the rest of the page unused; else the next word is a length.
                guard delta != 0, offset + 4 <= end else { return summary }
                offset += Int(page.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
                continue
            case timeExtend, timeStamp:
                guard offset + 4 <= end else { summary.malformed = true; return summary }
                let high = UInt64(page.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) << 27 | delta
                offset += 4
                // An absolute stamp holds the low 59 bits; the top bits stay the page's.
                time = kind == timeExtend ? time &+ high : (time & ~((1 << 59) - 1)) | high
                continue
            default:
                break
            }
            var size = Int(kind) * 4
            if kind == 0 {
                guard offset + 4 <= end else { summary.malformed = true; return summary }
                size = Int(page.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) - 4
                offset += 4
            }
            guard size >= 0, offset + size <= end else { summary.malformed = true; return summary }
            time &+= delta
            if let event = event(UnsafeRawBufferPointer(rebasing: page[offset..<(offset + size)]), layout: layout,
                                 time: time, cpu: cpu) {
                events.append(event)
                summary.events += 1
            }
            offset += size
        }
        return summary
    }

    /// One record: nil for other events, other protocols (SCTP, MPTCP) and short records.
    static func event(_ record: UnsafeRawBufferPointer, layout: TraceLayout, time: UInt64, cpu: Int) -> TraceEvent? {
        guard record.count >= layout.recordLength,
              record.loadUnaligned(fromByteOffset: layout.type.offset, as: UInt16.self) == layout.eventID,
              record.loadUnaligned(fromByteOffset: layout.proto.offset, as: UInt16.self) == ipProtoTCP,
              let from = TCPState(rawValue: UInt8(truncatingIfNeeded: record.loadUnaligned(
                  fromByteOffset: layout.oldState.offset, as: Int32.self))),
              let to = TCPState(rawValue: UInt8(truncatingIfNeeded: record.loadUnaligned(
                  fromByteOffset: layout.newState.offset, as: Int32.self)))
        else { return nil }
        // Ports are host-order numbers in this event (the kernel converts them for the record).
        let (local, remote) = layout.ends.endpoints(record)
        return TraceEvent(time: Double(time) / 1e9,
                          socket: record.loadUnaligned(fromByteOffset: layout.socket.offset, as: UInt64.self),
                          pid: record.loadUnaligned(fromByteOffset: layout.pid.offset, as: Int32.self), cpu: cpu,
                          local: local, remote: remote, ipv6: layout.ends.isIPv6(record), from: from, to: to)
    }
}
