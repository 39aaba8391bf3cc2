import Glibc
import SockscopeCore
import SockscopeTransport

/// Validates an nc command line against this machine's service names (/etc/services).
public enum Planning {
    public static func plan(_ options: NetcatOptions) throws(UsageError) -> SessionPlan {
        try SessionPlanner.plan(options, service: { Resolver.port(ofService: $0, datagram: options.udp) })
    }

    /// The short flags of nc that take a value, for `GetoptClusters`.
    public static let valueFlags: Set<Character> = ["i", "p", "q", "s", "w", "x", "X", "e", "c"]
    public static let valueOptions: Set<String> = ["--hex-dump", "--max-conns", "--pcap", "--pcap-payload", "--ladder",
                                                   "--tls-ca", "--ssl-trustfile", "--tls-servername", "--keylog",
                                                   "--tls-cert", "--ssl-cert", "--tls-key", "--ssl-key", "--tls-alpn", "--ssl-alpn",
                                                   "--tls-min", "--tls-max", "--proxy", "--proxy-type", "--proxy-auth",
                                                   "--proxy-auth-file", "--proxy-dns", "--exec", "--sh-exec", "--allow", "--deny",
                                                   "--allow-file", "--allowfile", "--deny-file", "--denyfile"]
    /// Every long option of the nc command line, argument-parser's own included.
    public static let longOptions: Set<String> = valueOptions.union(
        ["--tui", "--no-tui", "--help", "--version", "--generate-completion-script", "--json", "--broker", "--chat", "--send-only", "--recv-only", "--progress", "--exec-stderr", "--tls", "--ssl", "--tls-no-verify",
         "--tls-verify-client"])

    /// The proxies' credentials when the command line has none: --proxy-auth-file's first line
    /// (a regular file, at most 4 KiB, read through its descriptor), else SOCKSCOPE_PROXY_AUTH
    /// — never asked for on a terminal.
    public static func proxyCredentials(_ options: inout NetcatOptions, file: String?) -> UsageError? {
        if options.proxyAuth != nil {
            return file == nil ? nil : UsageError("--proxy-auth and --proxy-auth-file: one or the other")
        }
        if let file {
            switch InputFile.read(file, limit: 4096) {
            case .success(let bytes):
                options.proxyAuth = String(decoding: bytes.prefix { $0 != 10 && $0 != 13 }, as: UTF8.self)
            case .failure(let failure):
                return UsageError("--proxy-auth-file \(file.terminalSafe): \(failure.text)")
            }
        } else if let value = getenv("SOCKSCOPE_PROXY_AUTH"), !options.proxies.isEmpty {
            options.proxyAuth = String(cString: value)
        }
        return nil
    }

    /// --allow-file and --deny-file: each file's lines join the lists (a regular file, at most
    /// 1 MiB, read through its descriptor).
    public static func addressFiles(_ options: inout NetcatOptions, allow: [String], deny: [String]) -> UsageError? {
        for (files, option) in [(allow, "--allow-file"), (deny, "--deny-file")] {
            for file in files {
                switch InputFile.read(file, limit: 1 << 20) {
                case .success(let bytes):
                    let text = String(decoding: bytes, as: UTF8.self)
                    if option == "--allow-file" { options.allow.append(text) } else { options.deny.append(text) }
                case .failure(let failure):
                    return UsageError("\(option) \(file.terminalSafe): \(failure.text)")
                }
            }
        }
        return nil
    }

    /// One port to dial (a number or a service name from /etc/services), as nc judges it.
    public static func port(_ text: String) throws(UsageError) -> UInt16 {
        try PortList.single(text, role: .dial, service: { Resolver.port(ofService: $0, datagram: false) })
    }

    /// `sockscope proxy`'s command line, against this machine's service names.
    public static func proxyServer(_ options: ProxyServerOptions) throws(UsageError) -> ProxyServerPlan {
        try ProxyServerPlanner.plan(options, service: { Resolver.port(ofService: $0, datagram: false) })
    }

    /// A file an option names (`--auth-file`): a regular file, at most 1 MiB, read through its
    /// descriptor.
    public static func text(of path: String, option: String) throws(UsageError) -> String {
        switch InputFile.read(path, limit: 1 << 20) {
        case .success(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .failure(let failure): throw UsageError("\(option) \(path.terminalSafe): \(failure.text)")
        }
    }

    /// The command line's first problem that argument-parser would misreport (`ArgumentCheck`).
    public static func problem(in words: [String]) -> UsageError? {
        ArgumentCheck.problem(in: words, valueFlags: valueFlags, valueOptions: valueOptions, longOptions: longOptions)
    }
}
