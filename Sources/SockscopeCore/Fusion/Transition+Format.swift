/// How `sockscope states --events` prints a transition:
/// `TIME PROTO LOCAL PEER FROM -> TO (N.NNN ms) SOURCE`, or a JSON line.
extension Transition {
    public func line(clock: String) -> String {
        let ms = duration.map(DurationText.milliseconds) ?? "?"
        return "\(clock) \(entry.proto.rawValue) \(localText) \(entry.remote) \(from?.name ?? "-") -> \(to?.name ?? "-") (\(ms) ms) \(source.rawValue)"
    }

    /// Our end as `ss` writes it: a dial's SYN_SENT is set before connect() picks the local port,
    /// so the kernel reports port 0 there — written `*` (not yet chosen), not a port 0 that
    /// looks like a bug.
    var localText: String {
        guard entry.local.port == 0, to == .tcp(.synSent) else { return entry.local.description }
        let address = entry.local.address
        return address.isIPv6 ? "[\(address.description)]:*" : "\(address.description):*"
    }

    public func json(wallTime: Double, owner: StatesTable.Owner?) -> JSONValue {
        .object([
            ("kind", .string("transition")), ("time", .double(wallTime)),
            ("proto", .string(entry.proto.rawValue)), ("local", .string(entry.local.description)),
            ("remote", .string(entry.remote.description)),
            ("from", from.map { .string($0.name) } ?? .null), ("to", to.map { .string($0.name) } ?? .null),
            ("durationMs", duration.map { .milliseconds($0) } ?? .null),
            ("source", .string(source.rawValue)),
            ("cause", cause.map { .string($0.rawValue) } ?? .null),
            ("resetReason", resetReason.map { .string($0) } ?? .null),
            ("role", role.map { .string($0.noun) } ?? .null),
            ("pid", owner.map { .int(Int($0.pid)) } ?? .null),
            ("command", owner.map { .string($0.command) } ?? .null),
            ("explanation", .string(explanation)),
        ])
    }

    /// Whether the filter lets this transition through: either state may match --state.
    public func matches(_ filter: StatesFilter) -> Bool {
        var probe = filter
        probe.states = []
        probe.listening = false
        guard probe.matches(entry) else { return false }
        let listens: Set<SocketState?> = [.tcp(.listen), .udpUnconnected]
        if filter.listening && !listens.contains(from) && !listens.contains(to) { return false }
        if !filter.states.isEmpty && !(from.map(filter.states.contains) ?? false) && !(to.map(filter.states.contains) ?? false) {
            return false
        }
        return true
    }
}

extension TraceEvent {
    public func transition(duration: Double?) -> Transition {
        let entry = SocketEntry(proto: ipv6 ? .tcp6 : .tcp, local: local, remote: remote, stateCode: to.rawValue)
        return Transition(time: time, entry: entry, from: .tcp(from), to: .tcp(to), duration: duration, source: source)
    }
}
