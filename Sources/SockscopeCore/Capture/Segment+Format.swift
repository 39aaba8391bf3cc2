/// How `sockscope states --events --segments` prints a segment, seen from `local`'s end (the
/// initiator's when no end is ours): `TIME PROTO LOCAL > PEER …` for what local sent, `<` for
/// what it received; or a JSON line.
extension Segment {
    public var proto: SocketProtocol { frame.proto }

    /// `[S.] SYN ACK seq 0 ack 1 len 0 win 65483 <mss 65495,sackOK,TS,wscale 10>`, then markers.
    public var summary: String {
        guard let tcp else { return "len \(length)" }
        var text = "[\(tcp.flags.letters)] \(tcp.flags.words) seq \(relativeSequence) ack \(relativeAcknowledgment) len \(tcp.dataLength) win "
        switch windowShift {
        case .some(0): text += "\(tcp.window)"
        case .some(let shift): text += "\(Int(tcp.window) << shift) (\(tcp.window)<<\(shift))"
        case .none: text += "\(tcp.window) (scale unknown)"
        }
        let options = Self.optionWords(tcp.options)
        if !options.isEmpty { text += " <\(options.joined(separator: ","))>" }
        if !markers.isEmpty { text += " [\(markers.map(\.rawValue).joined(separator: ", "))]" }
        return text
    }

    /// The options as tcpdump names them, padding left out; timestamps as `TS` (their values
    /// are in the JSON and the pcap).
    public static func optionWords(_ options: [TCPOption]) -> [String] {
        options.compactMap { option -> String? in
            switch option {
            case .endOfList, .noOperation: nil
            case .maximumSegmentSize(let mss): "mss \(mss)"
            case .windowScale(let shift): "wscale \(shift)"
            case .sackPermitted: "sackOK"
            case .sack(let blocks): "sack \(blocks.count)"
            case .timestamps: "TS"
            case .other(let kind, _): "opt-\(kind)"
            }
        }
    }

    public func line(clock: String, local: SocketEndpoint? = nil) -> String {
        let (near, far) = ends(local)
        return "\(clock) \(proto.rawValue) \(near) \(frame.source == near ? ">" : "<") \(far) \(summary)"
    }

    public func json(wallTime: Double, local: SocketEndpoint? = nil) -> JSONValue {
        let (near, far) = ends(local)
        let tcp = self.tcp
        return .object([
            ("kind", .string("segment")), ("time", .double(wallTime)), ("proto", .string(proto.rawValue)),
            ("local", .string(near.description)), ("remote", .string(far.description)),
            ("direction", .string(frame.source == near ? "out" : "in")),
            ("flags", .string(tcp?.flags.letters ?? "")),
            ("seq", tcp.map { .int(Int($0.sequence)) } ?? .null), ("ack", tcp.map { .int(Int($0.acknowledgment)) } ?? .null),
            ("relSeq", tcp != nil ? .int(Int(relativeSequence)) : .null),
            ("relAck", tcp != nil ? .int(Int(relativeAcknowledgment)) : .null),
            ("len", .int(length)), ("window", tcp.map { .int(Int($0.window)) } ?? .null),
            ("windowScaled", scaledWindow.map { .int($0) } ?? .null),
            ("options", .object(Self.optionFields(tcp?.options ?? []))),
            ("markers", .array(markers.map { .string($0.rawValue) })),
        ])
    }

    /// The options as JSON fields: `mss`, `wscale`, `sackPermitted`, `tsval`/`tsecr`, `sack`.
    static func optionFields(_ options: [TCPOption]) -> [(String, JSONValue)] {
        options.compactMap { option -> [(String, JSONValue)]? in
            switch option {
            case .endOfList, .noOperation, .other: nil
            case .maximumSegmentSize(let mss): [("mss", .int(Int(mss)))]
            case .windowScale(let shift): [("wscale", .int(Int(shift)))]
            case .sackPermitted: [("sackPermitted", .int(1))]
            case .sack(let blocks): [("sack", .array(blocks.map { .array([.int(Int($0.left)), .int(Int($0.right))]) }))]
            case .timestamps(let value, let echo): [("tsval", .int(Int(value))), ("tsecr", .int(Int(echo)))]
            }
        }.flatMap { $0 }
    }

    /// Local's end and the other: the initiator's when local is neither end.
    func ends(_ local: SocketEndpoint?) -> (SocketEndpoint, SocketEndpoint) {
        if let local, local == responder { return (responder, initiator) }
        return (initiator, responder)
    }
}
