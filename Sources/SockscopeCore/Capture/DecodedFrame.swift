/// What a captured frame says: its endpoints and its TCP header or UDP length. The bytes a segment
/// carries are counted from the IP header, so a frame cut short by the capture's snap length
/// still says how much data it held.
public struct DecodedFrame: Hashable, Sendable {
    public enum Transport: Hashable, Sendable {
        case tcp(TCPHeader)
        /// The datagram's payload length.
        case udp(length: Int)
    }

    public var source: SocketEndpoint
    public var destination: SocketEndpoint
    public var transport: Transport

    public init(source: SocketEndpoint, destination: SocketEndpoint, transport: Transport) {
        self.source = source
        self.destination = destination
        self.transport = transport
    }

    /// `tcp` or `tcp6`, `udp` or `udp6`: the table names transitions use.
    public var proto: SocketProtocol {
        switch (tcp != nil, source.address.isIPv6) {
        case (true, false): .tcp
        case (true, true): .tcp6
        case (false, false): .udp
        case (false, true): .udp6
        }
    }

    public var tcp: TCPHeader? {
        if case .tcp(let header) = transport { return header }
        return nil
    }
}

/// A TCP header as sent: absolute sequence numbers, the window unscaled.
public struct TCPHeader: Hashable, Sendable {
    public var flags: TCPFlags
    public var sequence: UInt32
    public var acknowledgment: UInt32
    /// The window field as it is on the wire; scale it with the shift the sender's SYN announced.
    public var window: UInt16
    public var urgentPointer: UInt16
    /// Bytes of data after the header.
    public var dataLength: Int
    public var options: [TCPOption]

    public init(flags: TCPFlags, sequence: UInt32, acknowledgment: UInt32, window: UInt16, urgentPointer: UInt16,
                dataLength: Int, options: [TCPOption]) {
        self.flags = flags
        self.sequence = sequence
        self.acknowledgment = acknowledgment
        self.window = window
        self.urgentPointer = urgentPointer
        self.dataLength = dataLength
        self.options = options
    }
}
