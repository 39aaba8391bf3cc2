/// One client of `sockscope proxy` (issue 22), from its first byte to its tunnel's end: what it
/// asked, where it went, what passed each way. Its lines (and JSON objects) are said here, for
/// the pipe's lines and the screen alike; whatever the client chose (a name, a user) is escaped.
public struct ProxyTunnel: Sendable, Equatable {
    public enum Phase: Sendable, Equatable {
        case negotiating, resolving, dialing, open
        /// Refused before any dial (its reason), or the dial failed (why).
        case refused(String), failed(String)
    }

    /// The client's connection id: the tunnel's number.
    public let number: Int
    public var clientHost: String
    public var clientPort: UInt16
    public var phase: Phase = .negotiating
    public var kind: ProxyHop.Kind?
    public var user: String?
    public var target: ProxyRequest.Target?
    /// The target's address dialed (`127.0.0.1:80`), once known.
    public var dialed: String?
    /// The negotiation's steps, for -v and the screen.
    public var negotiation: [String] = []
    /// Bytes from the client to the target, and back.
    public var up = 0
    public var down = 0
    public let started: Double

    public init(number: Int, clientHost: String, clientPort: UInt16, started: Double) {
        self.number = number
        self.clientHost = clientHost
        self.clientPort = clientPort
        self.started = started
    }

    var client: String { "\(clientHost) \(clientPort)" }
    /// A plain http:// request sent on to its site (not a CONNECT tunnel).
    public var forwarded = false
    var kindName: String { forwarded ? "HTTP (forwarded)" : kind?.name ?? "unknown protocol" }
    var targetText: String { target.map { $0.label.terminalSafe } ?? "?" }

    func base() -> [(String, JSONValue)] {
        var fields: [(String, JSONValue)] = [("tunnel", .int(number)), ("client", .string(clientHost)), ("client_port", .int(Int(clientPort)))]
        if let kind { fields.append(("protocol", .string(forwarded ? "http-forward" : kind.rawValue))) }
        if let user { fields.append(("user", .string(user))) }
        if let target { fields += [("target", .string(target.host)), ("target_port", .int(Int(target.port)))] }
        if let dialed { fields.append(("address", .string(dialed))) }
        return fields
    }

    /// -v: the tunnel is open.
    public func openedEvent(at now: Double) -> SessionEvent {
        let seconds = now - started
        let via = dialed.map { " (\($0))" } ?? ""
        let who = user.flatMap { $0.isEmpty ? nil : " as \($0.terminalSafe)" } ?? ""
        return SessionEvent("tunnel-open", base() + [("seconds", .seconds(seconds))],
                            text: "#\(number) \(client) → \(targetText)\(via) \(kindName)\(who): open after \(DurationText.seconds(seconds)) (\(negotiation.joined(separator: " → ").terminalSafe))")
    }

    /// The tunnel has ended (`how`: finished, reset-by-client, …), with what passed.
    public func endedEvent(at now: Double, how: String) -> SessionEvent {
        let seconds = now - started
        return SessionEvent("tunnel", base() + [("up", .int(up)), ("down", .int(down)), ("seconds", .seconds(seconds)),
                                                ("end", .string(how))],
                            text: "#\(number) \(client) → \(targetText) \(kindName): \(up) bytes up, \(down) down, \(DurationText.seconds(seconds)), \(how)")
    }

    /// Refused before any dial, or the dial failed: one line, the protocol's answer sent.
    public func refusedEvent(at now: Double, reason: String, dialFailed: Bool) -> SessionEvent {
        if dialFailed {
            return SessionEvent("tunnel-failed", base() + [("reason", .string(reason))],
                                text: "#\(number) \(client) → \(targetText) \(kindName): \(reason.terminalSafe)")
        }
        return SessionEvent("tunnel-refused", base() + [("reason", .string(reason))],
                            text: "#\(number) \(client) refused (\(kindName)): \(reason.terminalSafe)")
    }
}
