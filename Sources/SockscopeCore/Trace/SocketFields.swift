/// The socket's own end and its peer's, as the tracepoints that name a socket record them
/// (inet_sock_set_state, tcp_receive_reset, tcp_retransmit_skb): ports as host-order numbers,
/// IPv4 addresses in network order, IPv6 (and IPv4-mapped) ones beside them, the family saying
/// which to read.
public struct SocketFields: Sendable, Equatable {
    public var sourcePort, destinationPort, family, sourceV4, destinationV4, sourceV6, destinationV6: TraceLayout.Field

    /// From a format's fields; nil when one is missing or of another size.
    init?(_ table: [String: TraceLayout.Field]) {
        func field(_ name: String, _ size: Int) -> TraceLayout.Field? { table[name].flatMap { $0.size == size ? $0 : nil } }
        guard let sport = field("sport", 2), let dport = field("dport", 2), let family = field("family", 2),
              let saddr = field("saddr", 4), let daddr = field("daddr", 4),
              let saddr6 = field("saddr_v6", 16), let daddr6 = field("daddr_v6", 16) else { return nil }
        (sourcePort, destinationPort, self.family, sourceV4, destinationV4, sourceV6, destinationV6) =
            (sport, dport, family, saddr, daddr, saddr6, daddr6)
    }

    var fields: [TraceLayout.Field] { [sourcePort, destinationPort, family, sourceV4, destinationV4, sourceV6, destinationV6] }

    static let afInet6: UInt16 = 10

    /// Whether the record's socket is IPv6 (IPv4-mapped included).
    func isIPv6(_ record: UnsafeRawBufferPointer) -> Bool {
        record.loadUnaligned(fromByteOffset: family.offset, as: UInt16.self) == Self.afInet6
    }

    /// The socket's end, then its peer's, from a record at least as long as every field.
    func endpoints(_ record: UnsafeRawBufferPointer) -> (local: SocketEndpoint, remote: SocketEndpoint) {
        let ipv6 = isIPv6(record)
        func address(_ v4: TraceLayout.Field, _ v6: TraceLayout.Field) -> IPAddress {
            ipv6 ? Self.ipv6(record, at: v6.offset)
                 : IPAddress(ipv4: UInt32(bigEndian: record.loadUnaligned(fromByteOffset: v4.offset, as: UInt32.self)))
        }
        func port(_ field: TraceLayout.Field) -> UInt16 { record.loadUnaligned(fromByteOffset: field.offset, as: UInt16.self) }
        return (SocketEndpoint(address: address(sourceV4, sourceV6), port: port(sourcePort)),
                SocketEndpoint(address: address(destinationV4, destinationV6), port: port(destinationPort)))
    }

    /// An IPv6 address as on the wire, 16 bytes at `offset`.
    static func ipv6(_ record: UnsafeRawBufferPointer, at offset: Int) -> IPAddress {
        IPAddress(ipv6High: UInt64(bigEndian: record.loadUnaligned(fromByteOffset: offset, as: UInt64.self)),
                  low: UInt64(bigEndian: record.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)))
    }
}
