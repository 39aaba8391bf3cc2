import SockscopeCore
import SockscopeTransport

/// Validates an nc command line against this machine's service names (/etc/services).
public enum Planning {
    public static func plan(_ options: NetcatOptions) throws(UsageError) -> SessionPlan {
        try SessionPlanner.plan(options, service: { Resolver.port(ofService: $0, datagram: options.udp) })
    }

    /// The short flags of nc that take a value, for `GetoptClusters`.
    public static let valueFlags: Set<Character> = ["i", "p", "q", "s", "w"]
    public static let valueOptions: Set<String> = ["--hex-dump", "--max-conns", "--pcap", "--pcap-payload", "--ladder",
                                                   "--tls-ca", "--ssl-trustfile", "--tls-servername", "--keylog",
                                                   "--tls-cert", "--ssl-cert", "--tls-key", "--ssl-key", "--tls-alpn", "--ssl-alpn",
                                                   "--tls-min", "--tls-max"]
    /// Every long option of the nc command line, argument-parser's own included.
    public static let longOptions: Set<String> = valueOptions.union(
        ["--tui", "--no-tui", "--help", "--version", "--generate-completion-script", "--json", "--tls", "--ssl", "--tls-no-verify",
         "--tls-verify-client"])

    /// The command line's first problem that argument-parser would misreport (`ArgumentCheck`).
    public static func problem(in words: [String]) -> UsageError? {
        ArgumentCheck.problem(in: words, valueFlags: valueFlags, valueOptions: valueOptions, longOptions: longOptions)
    }
}
