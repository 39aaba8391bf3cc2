import SockscopeCore
import SockscopeTransport

/// -x (pipe mode, `send`): each connection's first stage asks the proxies in turn for the
/// target. Its name goes to the last proxy as typed (--proxy-dns remote, the default), or
/// resolved here first (--proxy-dns local, and always for SOCKS4, which carries only an IPv4
/// address) — and a name that does not resolve then ends the run before any dial, never sent
/// to the proxy instead, which is what the user asked not to happen.
enum ProxyStage {
    /// nil without proxies.
    static func maker(hops: [ProxyHop], host: String, port: UInt16, family: NetcatOptions.Family, numeric: Bool,
                      proxyResolvesName: Bool, timeout: Double?, clock: @escaping () -> Double) throws -> ((Int32) -> any ByteStream)? {
        guard let first = hops.first else { return nil }
        var target = host
        if !proxyResolvesName || first.kind == .socks4 {
            let addresses = try Resolver.resolve(host: host, port: port, family: first.kind == .socks4 ? .inet : family, datagram: false,
                                                 numeric: numeric, passive: false)
            guard let address = addresses.first else { throw TransportError(NetcatWords.resolveFailed(host: host, port: port, reason: "no address")) }
            target = address.numericHost
        }
        let limit = timeout ?? 10
        return { fd in ProxyStream(fd: fd, hops: hops, targetHost: target, targetPort: port, limit: limit, clock: clock) }
    }
}

/// -x as `probe` and `send` take it: the proxies in order, and who resolves the target's name.
public struct ProxyChoice: Sendable {
    public var hops: [ProxyHop]
    /// --proxy-dns remote (the default): the last proxy resolves it.
    public var resolvesName: Bool

    public init(hops: [ProxyHop] = [], resolvesName: Bool = true) {
        self.hops = hops
        self.resolvesName = resolvesName
    }

    /// Where the socket goes: the first proxy, or the target itself.
    func dialed(host: String, port: UInt16) -> (host: String, port: UInt16) {
        hops.first.map { ($0.host, $0.port) } ?? (host, port)
    }

    /// Each connection's first stage toward `host` (nil without proxies); a name to resolve
    /// here is resolved now, before any dial.
    func stage(host: String, port: UInt16, family: NetcatOptions.Family, numeric: Bool, timeout: Double?,
               clock: @escaping () -> Double) throws -> ((Int32) -> any ByteStream)? {
        try ProxyStage.maker(hops: hops, host: host, port: port, family: family, numeric: numeric,
                             proxyResolvesName: resolvesName, timeout: timeout, clock: clock)
    }
}
