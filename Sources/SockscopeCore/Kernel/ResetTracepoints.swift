/// The kernel's own word on resets (DESIGN.md source 3): `tcp/tcp_send_reset` and
/// `tcp/tcp_receive_reset`, copied into the transitions' ring by the same kind of program
/// (`TransitionProgram.copying`), so that an ending is explained — which end sent the RST — with
/// or without the capture. Layouts are read from the running kernel's format files; a kernel
/// without either tracepoint, or with one laid out otherwise, simply has no such source.
public struct ResetTracepoints: Sendable, Equatable {
    /// A RST near a transition: who sent it to whom, on the kernel's CLOCK_MONOTONIC.
    public struct Reset: Sendable, Equatable {
        public var time: Double
        public var sender: SocketEndpoint
        public var receiver: SocketEndpoint
        /// Why the kernel sent it, in its own words (enum sk_rst_reason: TCP_STATE,
        /// TCP_ABORT_ON_CLOSE …), for a RST this namespace sent; nil for one received.
        public var reason: String?
    }

    /// `tcp_receive_reset`: the socket's own addresses and ports, the sender its peer.
    struct Received: Sendable, Equatable {
        var copy: TransitionProgram.Copy
        var ends: SocketFields
    }

    /// `tcp_send_reset`: the RST's own source and destination as socket addresses (a sockaddr_in
    /// or sockaddr_in6, port in network order), the source ours.
    struct Sent: Sendable, Equatable {
        var copy: TransitionProgram.Copy
        var source, destination: Int
        /// The reason field, when the kernel has one, and its names from the format's print line.
        var reason: Int?
        var reasons: [UInt32: String]
    }

    let received: Received?
    let sent: Sent?

    /// From the two events' format files (nil for a missing one).
    public init(receiveFormat: String?, sendFormat: String?) {
        received = receiveFormat.flatMap(Self.received)
        sent = sendFormat.flatMap(Self.sent)
    }

    /// What the programs copy, one per tracepoint present.
    public var copies: [TransitionProgram.Copy] { [received?.copy, sent?.copy].compactMap { $0 } }

    /// A record's length for the copy: every field used, rounded up to whole words.
    static func length(_ fields: [TraceLayout.Field]) -> Int { ((fields.map { $0.offset + $0.size }.max() ?? 0) + 3) / 4 * 4 }

    static func received(_ format: String) -> Received? {
        let table = TraceLayout.fields(format)
        guard let id = TraceLayout.eventID(format), let socket = table["skaddr"], socket.size == 8, let ends = SocketFields(table) else { return nil }
        return Received(copy: .init(socket: socket.offset, proto: nil, recordLength: length([socket] + ends.fields), eventID: id),
                        ends: ends)
    }

    static func sent(_ format: String) -> Sent? {
        let table = TraceLayout.fields(format)
        guard let id = TraceLayout.eventID(format), let socket = table["skaddr"], socket.size == 8,
              let source = table["saddr"], source.size == 28, let destination = table["daddr"], destination.size == 28 else { return nil }
        let reason = table["reason"].flatMap { $0.size == 4 ? $0 : nil }
        return Sent(copy: .init(socket: socket.offset, proto: nil, recordLength: length([socket, source, destination] + [reason].compactMap { $0 }),
                                eventID: id),
                    source: source.offset, destination: destination.offset, reason: reason?.offset, reasons: reasonNames(format))
    }

    /// The names the format's print line gives the reason's values:
    /// `__print_symbolic(REC->reason, { 0, "NOT_SPECIFIED" }, { 1, "NO_SOCKET" }, …)`. Bounded:
    /// names of capital letters, digits and underscores, at most 64 characters, 256 of them.
    static func reasonNames(_ format: String) -> [UInt32: String] {
        // The print line, from the call on the reason (Core has no Foundation: split on it).
        let parts = format.split(separator: "__print_symbolic(REC->reason,", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return [:] }
        var names: [UInt32: String] = [:]
        var rest = parts[1]
        while names.count < 256, let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            let pair = rest[rest.index(after: open)..<close].split(separator: ",", maxSplits: 1)
            guard pair.count == 2, let value = UInt32(String(pair[0].filter { !$0.isWhitespace })) else { break }
            let name = String(pair[1].filter { $0 != "\"" && !$0.isWhitespace })
            guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "_") }) else { break }
            names[value] = name
            rest = rest[rest.index(after: close)...]
            // The list ends at the call's closing parenthesis.
            if rest.drop { $0 == " " }.first == ")" { break }
        }
        return names
    }

    static let afInet: UInt16 = 2

    /// A copied record (the tracepoint's part, its common header first) as a reset; nil for
    /// another event, a short record or an address family other than IPv4 and IPv6.
    public func reset(_ record: UnsafeRawBufferPointer, time: UInt64) -> Reset? {
        guard record.count >= 2 else { return nil }
        let id = record.loadUnaligned(fromByteOffset: 0, as: UInt16.self)
        let seconds = Double(time) / 1e9
        if let received, id == received.copy.eventID, record.count >= received.copy.recordLength {
            let (local, remote) = received.ends.endpoints(record)
            return Reset(time: seconds, sender: remote, receiver: local, reason: nil)
        }
        if let sent, id == sent.copy.eventID, record.count >= sent.copy.recordLength,
           let source = Self.endpoint(record, at: sent.source), let destination = Self.endpoint(record, at: sent.destination) {
            let reason = sent.reason.map { offset in
                let value = record.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
                return sent.reasons[value] ?? "reason \(value)"
            }
            return Reset(time: seconds, sender: source, receiver: destination, reason: reason)
        }
        return nil
    }

    /// A sockaddr_in or sockaddr_in6 written into the record (28 bytes); nil for another family.
    static func endpoint(_ record: UnsafeRawBufferPointer, at offset: Int) -> SocketEndpoint? {
        let port = UInt16(bigEndian: record.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self))
        switch record.loadUnaligned(fromByteOffset: offset, as: UInt16.self) {
        case afInet:
            return SocketEndpoint(address: IPAddress(ipv4: UInt32(bigEndian: record.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))),
                                  port: port)
        case SocketFields.afInet6: return SocketEndpoint(address: SocketFields.ipv6(record, at: offset + 8), port: port)
        default: return nil
        }
    }
}
