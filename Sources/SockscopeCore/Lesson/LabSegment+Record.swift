/// A lesson segment as one JSON object and back: every field the ladder and the narration use,
/// so that `sockscope replay` draws from a recording exactly what the live run drew.
extension LabSegment {
    public func fields(time: Double) -> [(String, JSONValue)] {
        let frame = segment.frame
        var fields: [(String, JSONValue)] = [
            ("time", .double(time)), ("summary", .string(segment.summary)), ("dropped", .int(dropped ? 1 : 0)),
            ("source", Self.endpoint(frame.source)), ("destination", Self.endpoint(frame.destination)),
            ("initiator", Self.endpoint(segment.initiator)), ("responder", Self.endpoint(segment.responder)),
            ("fromInitiator", .int(segment.fromInitiator ? 1 : 0)),
            ("relSeq", .int(Int(segment.relativeSequence))), ("relAck", .int(Int(segment.relativeAcknowledgment))),
            ("windowShift", segment.windowShift.map { .int($0) } ?? .null),
            ("markers", .array(segment.markers.map { .string($0.rawValue) })),
        ]
        switch frame.transport {
        case .udp(let length):
            fields.append(("udp", .int(length)))
        case .tcp(let tcp):
            fields += [("flags", .string(tcp.flags.letters)), ("flagBits", .int(Int(tcp.flags.rawValue))),
                       ("seq", .int(Int(tcp.sequence))), ("ack", .int(Int(tcp.acknowledgment))), ("window", .int(Int(tcp.window))),
                       ("urgent", .int(Int(tcp.urgentPointer))), ("len", .int(tcp.dataLength)),
                       ("options", .array(tcp.options.map(Self.option)))]
        }
        return fields
    }

    /// The segment of a recorded object, its time the event's; or which field is missing or out
    /// of range (a damaged recording is refused, not half drawn).
    public init(recorded object: JSONValue, time: Double) throws(RecordedField.Problem) {
        typealias F = RecordedField
        let source = try Self.endpoint(object, "source"), destination = try Self.endpoint(object, "destination")
        let initiator = try Self.endpoint(object, "initiator"), responder = try Self.endpoint(object, "responder")
        let relSeq = try F.fixed(object, "relSeq", UInt32.self), relAck = try F.fixed(object, "relAck", UInt32.self)
        guard let markerNames = object["markers"]?.array else { throw .missing("markers") }
        let transport: DecodedFrame.Transport
        if object["udp"] != nil {
            transport = .udp(length: try F.int(object, "udp", in: 0...65535))
        } else {
            guard let optionValues = object["options"]?.array else { throw .missing("options") }
            var options: [TCPOption] = []
            for (index, value) in optionValues.enumerated() {
                guard let option = Self.option(value) else { throw .outOfRange("options[\(index)]", "is not a TCP option") }
                options.append(option)
            }
            transport = .tcp(TCPHeader(flags: TCPFlags(rawValue: try F.fixed(object, "flagBits", UInt8.self)),
                                       sequence: try F.fixed(object, "seq", UInt32.self),
                                       acknowledgment: try F.fixed(object, "ack", UInt32.self),
                                       window: try F.fixed(object, "window", UInt16.self),
                                       urgentPointer: try F.fixed(object, "urgent", UInt16.self),
                                       dataLength: try F.int(object, "len", in: 0...65535), options: options))
        }
        let shift = object["windowShift"]?.int.flatMap { (0...14).contains($0) ? $0 : nil }
        self.init(segment: Segment(time: time, initiator: initiator, responder: responder, fromInitiator: object["fromInitiator"]?.int == 1,
                                   frame: DecodedFrame(source: source, destination: destination, transport: transport),
                                   relativeSequence: relSeq, relativeAcknowledgment: relAck, windowShift: shift,
                                   markers: markerNames.compactMap { $0.string.flatMap(SegmentMarker.init(rawValue:)) }),
                  dropped: object["dropped"]?.int == 1)
    }

    static func endpoint(_ endpoint: SocketEndpoint) -> JSONValue {
        .array([.string(endpoint.address.description), .int(Int(endpoint.port))])
    }

    /// `[address, port]`.
    static func endpoint(_ object: JSONValue, _ key: String) throws(RecordedField.Problem) -> SocketEndpoint {
        guard let parts = object[key]?.array, parts.count == 2, let text = parts[0].string, let address = IPAddress(text: text) else {
            throw .missing(key)
        }
        let port = try RecordedField.int(parts[1], in: 0...65535, as: key + "[1]")
        return SocketEndpoint(address: address, port: UInt16(port))
    }

    /// An option as `[kind, values…]`.
    static func option(_ option: TCPOption) -> JSONValue {
        switch option {
        case .endOfList: .array([.int(0)])
        case .noOperation: .array([.int(1)])
        case .maximumSegmentSize(let mss): .array([.int(2), .int(Int(mss))])
        case .windowScale(let shift): .array([.int(3), .int(Int(shift))])
        case .sackPermitted: .array([.int(4)])
        case .sack(let blocks): .array([.int(5)] + blocks.flatMap { [JSONValue.int(Int($0.left)), .int(Int($0.right))] })
        case .timestamps(let value, let echo): .array([.int(8), .int(Int(value)), .int(Int(echo))])
        case .other(let kind, let length): .array([.int(-1), .int(Int(kind)), .int(length)])
        }
    }

    static func option(_ value: JSONValue) -> TCPOption? {
        guard let numbers = value.array?.compactMap(\.int), numbers.count == value.array?.count, let kind = numbers.first else { return nil }
        let rest = Array(numbers.dropFirst())
        switch (kind, rest.count) {
        case (0, 0): return .endOfList
        case (1, 0): return .noOperation
        case (2, 1): return UInt16(exactly: rest[0]).map(TCPOption.maximumSegmentSize)
        case (3, 1): return UInt8(exactly: rest[0]).map(TCPOption.windowScale)
        case (4, 0): return .sackPermitted
        case (5, _) where rest.count % 2 == 0 && rest.count <= 8:
            let words = rest.compactMap(UInt32.init(exactly:))
            guard words.count == rest.count else { return nil }
            return .sack(stride(from: 0, to: words.count, by: 2).map { TCPOption.SACKBlock(left: words[$0], right: words[$0 + 1]) })
        case (8, 2):
            guard let value = UInt32(exactly: rest[0]), let echo = UInt32(exactly: rest[1]) else { return nil }
            return .timestamps(value: value, echoReply: echo)
        case (-1, 2):
            guard let kind = UInt8(exactly: rest[0]), (0...255).contains(rest[1]) else { return nil }
            return .other(kind: kind, length: rest[1])
        default: return nil
        }
    }
}
