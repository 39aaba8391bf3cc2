/// One proxy on the way to the target (`-x`, `--proxy`), and what it is asked to connect to.
public struct ProxyHop: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        case socks4, socks4a, socks5, http

        /// How -v and a refusal name it.
        public var name: String {
            switch self {
            case .socks4: "SOCKS4"
            case .socks4a: "SOCKS4a"
            case .socks5: "SOCKS5"
            case .http: "HTTP CONNECT"
            }
        }

        /// The port a proxy of this kind listens on when none is given (nc's and ncat's).
        public var defaultPort: UInt16 { self == .http ? 3128 : 1080 }
    }

    public struct Credentials: Sendable, Equatable {
        public var user: String
        public var password: String

        public init(user: String, password: String) {
            self.user = user
            self.password = password
        }

        /// `USER:PASS` (the password may hold colons; the user may not).
        public init?(parsing text: String) {
            guard let colon = text.firstIndex(of: ":") else { return nil }
            self.init(user: String(text[..<colon]), password: String(text[text.index(after: colon)...]))
        }
    }

    public var kind: Kind
    /// The proxy itself, as typed.
    public var host: String
    public var port: UInt16
    public var credentials: Credentials?

    public init(kind: Kind, host: String, port: UInt16, credentials: Credentials? = nil) {
        self.kind = kind
        self.host = host
        self.port = port
        self.credentials = credentials
    }

    /// `127.0.0.1:1080 (SOCKS5)`.
    public var label: String { "\(Self.hostPort(host, port)) (\(kind.name))" }

    /// `host:port`, an IPv6 address in brackets.
    public static func hostPort(_ host: String, _ port: UInt16) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
