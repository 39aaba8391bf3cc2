/// Roles for `states --events`, where no socket is ours: a socket that left SYN_SENT is a
/// dialer's, one born of LISTEN a listener's connection, and the role stays with its four-tuple
/// for its later transitions. Bounded: the oldest half is forgotten when it fills.
public struct RoleMemory: Sendable {
    var roles: [ConnectionKey: (role: SocketRole, order: Int)] = [:]
    var counter = 0
    static let limit = 65_536

    public init() {}

    /// The transition's role: from its states, or remembered from the socket's earlier ones.
    public mutating func role(of transition: Transition) -> SocketRole? {
        let key = ConnectionKey(transition.entry)
        let from = transition.from?.tcp, to = transition.to?.tcp
        var role: SocketRole?
        if from == .listen && to != .synRecv || to == .listen { role = .listener }
        else if from == .synSent || to == .synSent { role = .dialer }
        else if from == .listen || from == .newSynRecv { role = .listenersConnection }
        if let role {
            guard transition.entry.local.port != 0 else { return role }  // a dialer before its port
            remember(role, for: key)
            return role
        }
        return roles[key]?.role
    }

    mutating func remember(_ role: SocketRole, for key: ConnectionKey) {
        counter += 1
        roles[key] = (role, counter)
        if roles.count > Self.limit {
            let cutoff = counter - Self.limit / 2
            roles = roles.filter { $0.value.order > cutoff }
        }
    }
}
