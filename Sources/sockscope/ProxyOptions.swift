import ArgumentParser
import SockscopeApp
import SockscopeCore

/// -x and its company: the proxies a dial goes through (nc's, and `send`'s).
struct ProxyOptions: ParsableArguments {
    @Option(name: [.customShort("x"), .customLong("proxy")], parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Dial through this proxy (SOCKS5 unless -X says otherwise); again for a chain, in order.", valueName: "host[:port]"))
    var proxies: [String] = []
    @Option(name: [.customShort("X"), .customLong("proxy-type")], parsing: .unconditional,
            help: ArgumentHelp("The proxies' protocol: 4, 4a, 5 (default) or connect (ncat's socks4, socks5, http).", valueName: "type"))
    var proxyType: String?
    @Option(name: .customLong("proxy-auth"), parsing: .unconditional,
            help: ArgumentHelp("The proxies' USER:PASS (also SOCKSCOPE_PROXY_AUTH, or --proxy-auth-file).", valueName: "user:pass"))
    var proxyAuth: String?
    @Option(name: .customLong("proxy-auth-file"), parsing: .unconditional,
            help: ArgumentHelp("Read the proxies' USER:PASS from the first line of FILE.", valueName: "file"))
    var proxyAuthFile: String?
    @Option(name: .customLong("proxy-dns"), parsing: .unconditional,
            help: ArgumentHelp("Who resolves the target's name: remote (the proxy, default) or local.", valueName: "where"))
    var proxyDNS: String?

    /// The proxies of a client of ours (`probe`, `send`): the credentials' file or environment
    /// read, each -x checked as nc checks it.
    func choice() throws -> ProxyChoice {
        var netcat = NetcatOptions()
        apply(to: &netcat)
        if let problem = Planning.proxyCredentials(&netcat, file: proxyAuthFile) { throw ValidationError(problem.message) }
        do {
            return ProxyChoice(hops: try ProxyPlanner.hops(netcat), resolvesName: netcat.proxyDNS != "local")
        } catch {
            throw ValidationError(error.message)
        }
    }

    func apply(to o: inout NetcatOptions) {
        o.proxies = proxies; o.proxyType = proxyType; o.proxyAuth = proxyAuth; o.proxyDNS = proxyDNS
    }
}
