/// The proxies of a command line: `-x HOST[:PORT]` (again for a chain, in order), one type for
/// all (`-X 4|4a|5|connect`, or ncat's `--proxy-type socks4|socks5|http`; SOCKS5 by default, as
/// nc), one set of credentials (`--proxy-auth USER:PASS`; the environment's or a file's are
/// added by the app, which reads them).
public enum ProxyPlanner {
    public static func hops(_ o: NetcatOptions) throws(UsageError) -> [ProxyHop] {
        guard !o.proxies.isEmpty else {
            if o.proxyType != nil || o.proxyAuth != nil || o.proxyDNS != nil {
                throw UsageError("-X, --proxy-type, --proxy-auth and --proxy-dns need a proxy: -x HOST[:PORT]")
            }
            return []
        }
        let kind = try self.kind(o.proxyType)
        var credentials: ProxyHop.Credentials?
        if let auth = o.proxyAuth {
            guard let parsed = ProxyHop.Credentials(parsing: auth) else { throw UsageError("--proxy-auth: not USER:PASS") }
            credentials = parsed
        }
        if let dns = o.proxyDNS, dns != "local" && dns != "remote" {
            throw UsageError("--proxy-dns: local or remote, not \(dns.terminalSafe)")
        }
        return try o.proxies.map { text throws(UsageError) in
            let (host, port) = try place(text, defaultPort: kind.defaultPort)
            return ProxyHop(kind: kind, host: host, port: port, credentials: credentials)
        }
    }

    static func kind(_ text: String?) throws(UsageError) -> ProxyHop.Kind {
        switch text?.lowercased() {
        case nil, "5", "socks5": return .socks5
        case "4", "socks4": return .socks4
        case "4a", "socks4a": return .socks4a
        case "connect", "http": return .http
        case let other?: throw UsageError("-X: 4, 4a, 5 or connect (--proxy-type socks4, socks5 or http), not \(other.terminalSafe)")
        }
    }

    /// `host`, `host:port`, `[v6]`, `[v6]:port`.
    static func place(_ text: String, defaultPort: UInt16) throws(UsageError) -> (String, UInt16) {
        var host = text, portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw UsageError("-x \(text.terminalSafe): an IPv6 address needs its closing ]") }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw UsageError("-x \(text.terminalSafe): HOST[:PORT]") }
                portText = rest.dropFirst()
            }
        } else if let colon = text.lastIndex(of: ":"), text.firstIndex(of: ":") == colon {
            host = String(text[..<colon])
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty else { throw UsageError("-x \(text.terminalSafe): no proxy host") }
        guard let portText else { return (host, defaultPort) }
        guard let port = UInt16(portText), port > 0 else { throw UsageError("-x \(text.terminalSafe): port number invalid: \(String(portText).terminalSafe)") }
        return (host, port)
    }
}
