/// `sockscope proxy [host] port` validated (issue 22): where it listens, who may use it and what
/// it asks of them.
public struct ProxyServerPlan: Sendable, Equatable {
    /// Where to listen (nil: every address, as nc's -l).
    public var host: String?
    public var port: UInt16
    public var family: NetcatOptions.Family = .any
    public var numeric = false
    /// -v: a line when each tunnel opens, with its negotiation, besides the one when it ends.
    public var verbose = false
    /// --json: every line an object.
    public var json = false
    /// --auth-file: the usernames and passwords accepted (nil: no authentication).
    public var credentials: [ProxyHop.Credentials]?
    /// --allow / --deny: the clients kept.
    public var filter: AddressFilter?
    /// --max-conns: tunnels at once; a client past them is closed.
    public var maxTunnels = 100
    /// -w: how long a target's handshake may take (nil: the kernel's limit).
    public var timeout: Double?

    public init(port: UInt16) { self.port = port }
}

/// What the `proxy` command line says, before it is judged.
public struct ProxyServerOptions: Sendable {
    public var positionals: [String] = []
    public var ipv4Only = false
    public var ipv6Only = false
    public var numeric = false
    public var verbose = false
    public var json = false
    /// --auth-file's text (read by the caller, through its descriptor).
    public var authText: String?
    public var allow: [String] = []
    public var deny: [String] = []
    public var maxTunnels = 100
    public var timeout: Double?

    public init() {}
}

public enum ProxyServerPlanner {
    public static func plan(_ o: ProxyServerOptions, service: (String) -> UInt16? = { _ in nil }) throws(UsageError) -> ProxyServerPlan {
        if o.ipv4Only && o.ipv6Only { throw UsageError("cannot use -4 and -6") }
        guard let last = o.positionals.last else { throw UsageError("missing port number") }
        guard o.positionals.count <= 2 else { throw UsageError("too many arguments: \(o.positionals[2])") }
        let ports = try PortList.parse(last, role: .listen, service: service)
        guard ports.count == 1 else { throw UsageError("cannot listen on a port range: \(last)") }
        var plan = ProxyServerPlan(port: ports[0])
        plan.host = o.positionals.count == 2 ? o.positionals[0] : nil
        plan.family = o.ipv4Only ? .inet : (o.ipv6Only ? .inet6 : .any)
        plan.numeric = o.numeric
        plan.verbose = o.verbose
        plan.json = o.json
        guard (1...100_000).contains(o.maxTunnels) else { throw UsageError("--max-conns must be 1 to 100000") }
        plan.maxTunnels = o.maxTunnels
        plan.timeout = try SessionPlanner.positiveSeconds(o.timeout, name: "timeout")
        if let text = o.authText { plan.credentials = try credentials(text) }
        plan.filter = try AddressFilter.from(allow: o.allow, deny: o.deny)
        return plan
    }

    /// --auth-file: `user:password` a line (the password may hold colons), `#` comments and
    /// blank lines skipped; each part 1 to 255 bytes, as SOCKS5's authentication carries them
    /// (RFC 1929). A line that is not one is named by its number, never quoted (it may hold a
    /// password).
    public static func credentials(_ text: String) throws(UsageError) -> [ProxyHop.Credentials] {
        var accepted: [ProxyHop.Credentials] = []
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) || line.first == "#" { continue }
            guard let entry = ProxyHop.Credentials(parsing: String(line)),
                  (1...255).contains(entry.user.utf8.count), (1...255).contains(entry.password.utf8.count) else {
                throw UsageError("--auth-file: line \(number + 1) is not USER:PASSWORD (each 1 to 255 bytes)")
            }
            accepted.append(entry)
        }
        guard !accepted.isEmpty else { throw UsageError("--auth-file: no USER:PASSWORD line") }
        return accepted
    }
}
