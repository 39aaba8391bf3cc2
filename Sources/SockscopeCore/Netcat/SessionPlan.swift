/// A validated nc command line: what to do, with every contradiction already rejected.
public struct SessionPlan: Sendable, Equatable {
    public enum Target: Sendable, Equatable {
        /// A host (nil: the wildcard, only when listening) and one port per entry.
        case inet(host: String?, ports: [UInt16])
        /// A Unix socket path; a leading `@` names the abstract namespace.
        case unix(path: String)
    }
    public enum Mode: Sendable, Equatable { case dial, listen, scan }

    /// What happens when standard input ends (the rules are in the man page, DATA TRANSFER).
    public enum EndOfInput: Sendable, Equatable {
        case keepOpen                  // nc's default: keep reading the peer
        case shutdownWrite             // -N: send FIN once everything read has been sent
        case quit(after: Double)       // -q SECS: shut down too, then quit SECS later
    }

    public var mode: Mode
    public var target: Target
    public var datagram: Bool
    public var family: NetcatOptions.Family
    public var keepListening: Bool
    public var numeric: Bool
    public var verbose: Bool
    public var endOfInput: EndOfInput
    public var timeout: Double?
    public var sourceAddress: String?
    public var sourcePort: UInt16?
    public var crlf: Bool
    public var readStdin: Bool
    public var interval: Double?
    public var hexDumpPath: String?
    /// The screen's capture, to a pcap file (--pcap) and as an SVG ladder at the end (--ladder).
    public var pcapPath: String?
    public var ladderPath: String?
    public var maxConnections: Int
    /// The data bytes each frame keeps in --pcap after its headers (--pcap-payload; none by default).
    public var pcapPayload = 0
    /// --send-only (ncat's): received bytes are dropped, and a connection closes once all of
    /// standard input has gone to it. (--recv-only is -d.)
    public var sendOnly = false
    /// --progress: bytes and rates each way on standard error, as pv draws them.
    public var progress = false
    /// --allow / --deny: which clients a listener keeps (nil: all).
    public var filter: AddressFilter?
    /// --broker (raw) or --chat (lines, named): clients' bytes go to one another.
    public enum Broker: Sendable, Equatable { case raw, chat }
    public var broker: Broker?
    /// --exec / --sh-exec: the program behind each connection, as its argument vector.
    public var exec: [String]?
    /// --exec-stderr: the program's standard error goes to the connection with its output.
    public var execStderr = false
    /// -x: the proxies to go through, in order, to the target (empty: straight there).
    public var proxies: [ProxyHop] = []
    /// --proxy-dns remote (the default): the last proxy resolves the target's name.
    public var proxyResolvesName = true
    /// --json: the session's events (what -v says) as JSON objects on standard error.
    public var json = false
    /// --tls: the stream is TLS over the connection (nil: plain).
    public var tls: TLS?

    /// What --tls asks of the session (dialing: the server's certificate is verified by default,
    /// for the host name typed or --tls-servername, which is also sent as SNI).
    public struct TLS: Sendable, Equatable {
        public var verify = true
        /// Trusted certificates instead of the system's (--tls-ca).
        public var caFile: String?
        /// The name sent and checked instead of the host typed (--tls-servername).
        public var servername: String?
        /// Where the session's secrets are appended as NSS key-log lines (--keylog; else
        /// SSLKEYLOGFILE), for Wireshark to decrypt a capture.
        public var keyLogPath: String?
        /// Our certificate and key (PEM): the server's with -l (nil: a temporary self-signed
        /// one), the client's when a server asks.
        public var certFile: String?
        public var keyFile: String?
        /// ALPN protocols, comma-separated (--tls-alpn).
        public var alpn: String?
        /// The versions allowed, "1.2" or "1.3" (--tls-min, --tls-max).
        public var minVersion: String?
        public var maxVersion: String?
        /// With -l: every client must present a certificate, verified (--tls-verify-client).
        public var verifyClients = false

        public init(verify: Bool = true, caFile: String? = nil, servername: String? = nil, keyLogPath: String? = nil,
                    certFile: String? = nil, keyFile: String? = nil) {
            self.verify = verify
            self.caFile = caFile
            self.servername = servername
            self.keyLogPath = keyLogPath
            self.certFile = certFile
            self.keyFile = keyFile
        }
    }

    public var protocolName: String { datagram ? "udp" : "tcp" }
}
