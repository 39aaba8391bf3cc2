/// The command line of the nc personality, as parsed, before validation. Field names follow the
/// meaning of OpenBSD nc's flags (the flag is in each comment).
public struct NetcatOptions: Sendable, Equatable {
    public enum Family: Sendable, Equatable { case any, inet, inet6 }

    public var ipv4Only = false          // -4
    public var ipv6Only = false          // -6
    public var listen = false            // -l
    public var keepListening = false     // -k
    public var udp = false               // -u
    public var unixSocket = false        // -U
    public var numeric = false           // -n
    public var verbose = false           // -v
    public var shutdownOnEOF = false     // -N
    public var quitAfterEOF: Double?     // -q SECS (negative: wait forever, as nc)
    public var timeout: Double?          // -w SECS
    public var scan = false              // -z
    public var sourceAddress: String?    // -s ADDR (or the client's own path with -U -u)
    public var sourcePort: String?       // -p PORT
    public var crlf = false              // -C
    public var noStdin = false           // -d
    public var interval: Double?         // -i SECS
    public var hexDumpPath: String?      // --hex-dump FILE
    public var pcapPath: String?         // --pcap FILE (the screen, as root)
    public var ladderPath: String?       // --ladder FILE.svg (the screen, as root)
    public var pcapPayload: Int?         // --pcap-payload N (data bytes a frame keeps in --pcap)
    public var maxConnections = 100      // --max-conns N
    public var tls = false               // --tls (ncat's --ssl)
    public var json = false              // --json (the -v lines as JSON objects)
    public var allow: [String] = []      // --allow LIST, --allow-file FILE's lines (ncat's --allowfile)
    public var deny: [String] = []       // --deny LIST, --deny-file FILE's lines (ncat's --denyfile)
    public var sendOnly = false          // --send-only (ncat's)
    public var progress = false          // --progress: bytes and rates each way on stderr
    public var recvOnly = false          // --recv-only (ncat's; -d)
    public var broker = false            // --broker (ncat's: every client's bytes to all others)
    public var chat = false              // --chat (the same, line by line, each with its sender's name)
    public var exec: String?             // -e PROG / --exec PROG (ncat's: split on blanks, no shell)
    public var shellExec: String?        // -c CMD / --sh-exec CMD (ncat's: /bin/sh -c CMD)
    public var execStderr = false        // --exec-stderr: the program's stderr to the connection too
    public var proxies: [String] = []    // -x HOST[:PORT], given again for a chain (ncat's --proxy)
    public var proxyType: String?        // -X 4|4a|5|connect (ncat's --proxy-type socks4|socks5|http)
    public var proxyAuth: String?        // --proxy-auth USER:PASS
    public var proxyDNS: String?         // --proxy-dns local|remote
    public var tlsNoVerify = false       // --tls-no-verify
    public var tlsCA: String?            // --tls-ca FILE (ncat's --ssl-trustfile)
    public var tlsServername: String?    // --tls-servername NAME
    public var tlsKeyLog: String?        // --keylog FILE
    public var tlsCert: String?          // --tls-cert FILE (ncat's --ssl-cert)
    public var tlsKey: String?           // --tls-key FILE (ncat's --ssl-key)
    public var tlsALPN: String?          // --tls-alpn LIST (ncat's --ssl-alpn)
    public var tlsMin: String?           // --tls-min VERSION
    public var tlsMax: String?           // --tls-max VERSION
    public var tlsVerifyClient = false   // --tls-verify-client (with -l)
    public var positionals: [String] = []

    public init() {}
}
