/// One option of a TCP header, in the order the header carries it. SYNs announce the connection's
/// parameters (MSS, window scale, SACK permitted, timestamps); later segments carry timestamps
/// and SACK blocks.
public enum TCPOption: Hashable, Sendable {
    case endOfList                                    // kind 0
    case noOperation                                  // kind 1: padding
    case maximumSegmentSize(UInt16)                   // kind 2
    case windowScale(UInt8)                           // kind 3: the shift, 0–14
    case sackPermitted                                // kind 4
    case sack([SACKBlock])                            // kind 5
    case timestamps(value: UInt32, echoReply: UInt32) // kind 8
    case other(kind: UInt8, length: Int)

    /// A block of data received out of order (RFC 2018): left edge, and the sequence number
    /// after its last byte.
    public struct SACKBlock: Hashable, Sendable {
        public var left: UInt32
        public var right: UInt32
        public init(left: UInt32, right: UInt32) {
            self.left = left
            self.right = right
        }
    }
}
