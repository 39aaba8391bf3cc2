/// The server's side of a proxy's negotiation (`sockscope proxy`, issue 22): a client's first
/// bytes tell its protocol (4: SOCKS4 or 4a, 5: SOCKS5, a letter: HTTP), then its request is
/// read byte by byte, never blocking, answered (a method, an authentication), and ends in a
/// target to dial — or in a refusal that is sent before the client is closed. Pure: the proxy's
/// face hands it what the client sent and sends what it says.
public struct ProxyRequest: Sendable {
    /// Where the client asks to go: an address or a name to resolve, and its port.
    public struct Target: Sendable, Equatable {
        public var host: String
        public var port: UInt16

        public init(host: String, port: UInt16) {
            self.host = host
            self.port = port
        }

        /// `host:port`, an IPv6 address in brackets.
        public var label: String { ProxyHop.hostPort(host, port) }
    }

    public enum Next: Sendable, Equatable {
        /// More of the request is needed.
        case waiting
        /// Dial this; answer with `granted` or `failed`. `early`: bytes the client sent after its
        /// request, the tunnel's first for the target.
        case connect(Target, early: [UInt8])
        /// Refused (its reason, in a few words): send `reply`, then close.
        case refuse(String)
    }

    /// What `take` says: bytes to send the client now (a method chosen, an authentication's
    /// answer, a refusal), and what comes next.
    public struct Step: Sendable, Equatable {
        public var reply: [UInt8]
        public var next: Next
    }

    /// Why a dial failed, for the reply each protocol has for it.
    public enum Failure: Sendable, Equatable {
        case refused, networkUnreachable, hostUnreachable, timedOut, unresolved

        /// From a connect()'s errno.
        public init(code: Int32) {
            switch code {
            case 111: self = .refused             // ECONNREFUSED
            case 101: self = .networkUnreachable  // ENETUNREACH
            case 110: self = .timedOut            // ETIMEDOUT
            default: self = .hostUnreachable
            }
        }
    }

    /// The protocol, once its first byte has come.
    public private(set) var kind: ProxyHop.Kind?
    /// A plain HTTP request sent on to its site: the site's answer is the client's, the proxy
    /// adds none.
    public private(set) var forwarding = false
    /// Who the client said it is (SOCKS4's user id, SOCKS5's or HTTP's username).
    public private(set) var user: String?
    /// What passed, for the lines and the screen: `greeting (no authentication)`, …
    public private(set) var said: [String] = []
    let credentials: [ProxyHop.Credentials]?
    var received: [UInt8] = []
    var phase: Phase = .first
    /// Bytes read from the client so far, counted against `limit`.
    var total = 0

    enum Phase: Sendable { case first, socks5Greeting, socks5Authentication, socks5Request, socks4, http, done }

    /// A request larger than this is not one (HTTP's header included).
    public static let limit = 16 * 1024

    /// `credentials`: the usernames and passwords accepted; nil: no authentication. SOCKS4 has no
    /// password, so with credentials it is refused.
    public init(credentials: [ProxyHop.Credentials]?) {
        self.credentials = credentials
    }

    /// Takes what the client sent.
    public mutating func take(_ bytes: [UInt8]) -> Step {
        guard phase != .done else { return Step(reply: [], next: .waiting) }
        total += bytes.count
        received += bytes
        var reply: [UInt8] = []
        while true {
            let next: Next?
            switch phase {
            case .first: next = first()
            case .socks5Greeting: next = socks5Greeting(&reply)
            case .socks5Authentication: next = socks5Authentication(&reply)
            case .socks5Request: next = socks5Request(&reply)
            case .socks4: next = socks4Request(&reply)
            case .http: next = httpRequest(&reply)
            case .done: next = .waiting
            }
            // nil: a phase ended and the next may already have its bytes.
            guard let next else { continue }
            if case .waiting = next, total > Self.limit {
                phase = .done
                return Step(reply: reply, next: .refuse("the request passes \(Self.limit / 1024) KiB"))
            }
            if case .waiting = next { return Step(reply: reply, next: .waiting) }
            phase = .done
            return Step(reply: reply, next: next)
        }
    }

    mutating func first() -> Next? {
        guard let byte = received.first else { return .waiting }
        switch byte {
        case 5:
            kind = .socks5
            phase = .socks5Greeting
        case 4:
            kind = .socks4
            phase = .socks4
        case UInt8(ascii: "A")...UInt8(ascii: "Z"):
            kind = .http
            phase = .http
        default:
            return .refuse("not a SOCKS or HTTP request (it starts with byte \(byte))")
        }
        return nil
    }

    // MARK: SOCKS5 (RFC 1928, RFC 1929)

    mutating func socks5Greeting(_ reply: inout [UInt8]) -> Next? {
        guard received.count >= 2, received.count >= 2 + Int(received[1]) else { return .waiting }
        let methods = received[2..<(2 + Int(received[1]))]
        received.removeFirst(2 + Int(received[1]))
        let wanted: UInt8 = credentials == nil ? 0x00 : 0x02
        guard methods.contains(wanted) else {
            reply += [5, 0xFF]
            return .refuse(credentials == nil ? "no method it offers is one without authentication"
                                              : "it offers no username and password, and the proxy asks for them")
        }
        reply += [5, wanted]
        said.append(wanted == 0 ? "greeting → no authentication" : "greeting → username/password")
        phase = wanted == 0 ? .socks5Request : .socks5Authentication
        return nil
    }

    mutating func socks5Authentication(_ reply: inout [UInt8]) -> Next? {
        guard received.count >= 2 else { return .waiting }
        let userLength = Int(received[1])
        guard received.count >= 3 + userLength else { return .waiting }
        let passwordLength = Int(received[2 + userLength])
        guard received.count >= 3 + userLength + passwordLength else { return .waiting }
        let name = String(decoding: received[2..<(2 + userLength)], as: UTF8.self)
        let password = String(decoding: received[(3 + userLength)..<(3 + userLength + passwordLength)], as: UTF8.self)
        let version = received[0]
        received.removeFirst(3 + userLength + passwordLength)
        user = name
        guard version == 1, accepts(name, password) else {
            reply += [1, 1]
            return .refuse("username and password refused (user \(name))")
        }
        reply += [1, 0]
        said.append("authenticated as \(name)")
        phase = .socks5Request
        return nil
    }

    mutating func socks5Request(_ reply: inout [UInt8]) -> Next? {
        guard received.count >= 4 else { return .waiting }
        let length: Int
        switch received[3] {
        case 1: length = 4
        case 4: length = 16
        case 3:
            guard received.count >= 5 else { return .waiting }
            length = 1 + Int(received[4])
        default:
            reply += Self.socks5Reply(8)
            return .refuse("address type \(received[3]) is not one of SOCKS5's")
        }
        guard received.count >= 4 + length + 2 else { return .waiting }
        let command = received[1]
        let host: String = received[3] == 3
            ? String(decoding: received[5..<(4 + length)], as: UTF8.self)
            : IPAddress(bytes: Array(received[4..<(4 + length)])).description
        let port = UInt16(received[4 + length]) << 8 | UInt16(received[5 + length])
        received.removeFirst(4 + length + 2)
        guard command == 1 else {
            reply += Self.socks5Reply(7)
            return .refuse("command \(Self.commandName(command)) is not supported (only CONNECT)")
        }
        return target(host, port)
    }

    /// A SOCKS5 reply with no bound address (refusals).
    static func socks5Reply(_ code: UInt8) -> [UInt8] { [5, code, 0, 1, 0, 0, 0, 0, 0, 0] }

    static func commandName(_ command: UInt8) -> String {
        switch command {
        case 2: "BIND"
        case 3: "UDP ASSOCIATE"
        default: "\(command)"
        }
    }

    // MARK: SOCKS4 and 4a

    mutating func socks4Request(_ reply: inout [UInt8]) -> Next? {
        guard received.count >= 9, let userEnd = received[8...].firstIndex(of: 0) else {
            return received.count > 8 + 256 ? refuse4(&reply, "its user id passes 255 bytes") : .waiting
        }
        let command = received[1]
        let port = UInt16(received[2]) << 8 | UInt16(received[3])
        let address = Array(received[4..<8])
        user = String(decoding: received[8..<userEnd], as: UTF8.self)
        var host = IPAddress(bytes: address).description
        var end = userEnd + 1
        // 0.0.0.x (x ≠ 0): SOCKS4a, a name follows the user id.
        if address[0] == 0 && address[1] == 0 && address[2] == 0 && address[3] != 0 {
            guard let nameEnd = received[end...].firstIndex(of: 0) else {
                return received.count - end > 256 ? refuse4(&reply, "its host name passes 255 bytes") : .waiting
            }
            host = String(decoding: received[end..<nameEnd], as: UTF8.self)
            end = nameEnd + 1
            kind = .socks4a
        }
        received.removeFirst(end)
        guard command == 1 else { return refuse4(&reply, "command \(Self.commandName(command)) is not supported (only CONNECT)") }
        guard credentials == nil else {
            return refuse4(&reply, "\(kind?.name ?? "SOCKS4") carries no password, and the proxy asks for one")
        }
        return target(host, port)
    }

    mutating func refuse4(_ reply: inout [UInt8], _ reason: String) -> Next {
        reply += [0, 0x5B, 0, 0, 0, 0, 0, 0]
        return .refuse(reason)
    }

    // MARK: HTTP CONNECT

    mutating func httpRequest(_ reply: inout [UInt8]) -> Next? {
        guard let end = ProxyNegotiation.headerEnd(received) else { return .waiting }
        let header = String(decoding: received[..<end], as: UTF8.self)
        received.removeFirst(end + 4)
        let lines = header.split(separator: "\r\n", omittingEmptySubsequences: false)
        let words = (lines.first ?? "").split(separator: " ")
        guard words.count == 3, words[2].hasPrefix("HTTP/1.") else {
            reply += Self.http(400, "Bad Request")
            return .refuse("not an HTTP request line")
        }
        let target: Target
        var forwarded: [UInt8]?
        if words[0] == "CONNECT" {
            guard let authority = Self.authority(String(words[1])) else {
                reply += Self.http(400, "Bad Request")
                return .refuse("\(words[1].prefix(300)) is not host:port")
            }
            target = authority
        } else {
            // A plain request for an http:// URL (`curl -x http://proxy http://site/`): sent on
            // to the site in origin form, for this one request.
            guard let (site, path) = Self.absoluteURL(words[1]) else {
                reply += Self.http(400, "Bad Request")
                return .refuse("\(words[0].prefix(32)) \(words[1].prefix(300)): only CONNECT, or a request for an http:// URL")
            }
            target = site
            forwarded = Self.originRequest(method: words[0], path: path, version: words[2], site: site, headers: lines.dropFirst())
        }
        if let credentials {
            let given = lines.dropFirst().compactMap(Self.basicCredentials).first
            user = given?.user
            guard let given, credentials.contains(given) else {
                reply += Self.http(407, "Proxy Authentication Required", headers: ["Proxy-Authenticate: Basic realm=\"sockscope\""])
                return .refuse(given == nil ? "no credentials (407)" : "credentials refused for user \(given?.user ?? "") (407)")
            }
            said.append("authenticated as \(given.user)")
        }
        guard let forwarded else { return self.target(target.host, target.port) }
        self.forwarding = true
        said.append("\(words[0].prefix(32)) \(words[1].prefix(300)) (forwarded)")
        received = forwarded + received
        return self.target(target.host, target.port, named: false)
    }

    /// `http://host[:port]/path` → the site (port 80 by default) and the path (`/` at least).
    static func absoluteURL(_ url: Substring) -> (Target, Substring)? {
        guard url.lowercased().hasPrefix("http://") else { return nil }
        let rest = url.dropFirst(7)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        let path = slash == rest.endIndex ? "/" : rest[slash...]
        if let site = Self.authority(String(authority)) { return (site, path) }
        // No port: 80; an IPv6 address keeps its brackets in the URL only.
        var host = authority
        if host.hasPrefix("[") && host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard !host.isEmpty, !host.contains("@"), !host.contains(":") || authority.hasPrefix("[") else { return nil }
        return (Target(host: String(host), port: 80), path)
    }

    /// The request as the site expects it: origin form, the proxy's own headers left out, one
    /// request on the connection (`Connection: close`).
    static func originRequest(method: Substring, path: Substring, version: Substring, site: Target,
                              headers: ArraySlice<Substring>) -> [UInt8] {
        let hopByHop: Set<String> = ["proxy-connection", "proxy-authorization", "connection", "keep-alive"]
        var lines = ["\(method) \(path) \(version)"]
        var hasHost = false
        for line in headers where !line.isEmpty {
            let name = line.prefix { $0 != ":" }.lowercased()
            if hopByHop.contains(name) { continue }
            if name == "host" { hasHost = true }
            lines.append(String(line))
        }
        if !hasHost { lines.append("Host: \(site.port == 80 ? (site.host.contains(":") ? "[\(site.host)]" : site.host) : site.label)") }
        lines += ["Connection: close", "", ""]
        return Array(lines.joined(separator: "\r\n").utf8)
    }

    /// `host:port` or `[v6]:port`.
    static func authority(_ text: String) -> Target? {
        var host: Substring, rest: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            rest = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            rest = text[text.index(after: colon)...]
            if host.contains(":") { return nil }  // an IPv6 address needs its brackets
        }
        guard !host.isEmpty, rest.count <= 5, rest.allSatisfy(\.isASCII), let port = UInt16(rest), port > 0 else { return nil }
        return Target(host: String(host), port: port)
    }

    /// A `Proxy-Authorization: Basic …` header's user and password.
    static func basicCredentials(_ line: Substring) -> ProxyHop.Credentials? {
        guard let colon = line.firstIndex(of: ":"), line[..<colon].lowercased() == "proxy-authorization" else { return nil }
        let value = line[line.index(after: colon)...].split(separator: " ")
        guard value.count == 2, value[0].lowercased() == "basic", let decoded = Base64.decode(String(value[1])) else { return nil }
        return ProxyHop.Credentials(parsing: String(decoding: decoded, as: UTF8.self))
    }

    static func http(_ status: Int, _ words: String, headers: [String] = []) -> [UInt8] {
        let lines = ["HTTP/1.1 \(status) \(words)"] + headers + ["Content-Length: 0", "Connection: close", "", ""]
        return Array(lines.joined(separator: "\r\n").utf8)
    }

    // MARK: The answer

    mutating func target(_ host: String, _ port: UInt16, named: Bool = true) -> Next {
        guard !host.isEmpty, port > 0 else {
            return .refuse("no target (\(ProxyHop.hostPort(host, port)))")
        }
        if named { said.append("CONNECT \(ProxyHop.hostPort(host, port))") }
        let early = received
        received = []
        return .connect(Target(host: host, port: port), early: early)
    }

    func accepts(_ name: String, _ password: String) -> Bool {
        credentials?.contains(ProxyHop.Credentials(user: name, password: password)) ?? true
    }

    /// The tunnel is open: the answer that says so, with the address the proxy dialed from.
    public func granted(bound: IPAddress, port: UInt16) -> [UInt8] {
        let portBytes: [UInt8] = [UInt8(port >> 8), UInt8(port & 0xFF)]
        switch kind {
        case .socks5: return [5, 0, 0, bound.isIPv6 ? 4 : 1] + bound.bytes + portBytes
        // SOCKS4's reply has room for IPv4 only; its fields are ignored by clients (RFC-less
        // convention: zeros are fine).
        case .socks4, .socks4a: return [0, 0x5A] + portBytes + (bound.isIPv6 ? [0, 0, 0, 0] : bound.bytes)
        case .http, nil: return forwarding ? [] : Array("HTTP/1.1 200 Connection established\r\n\r\n".utf8)
        }
    }

    /// The dial failed: the answer each protocol has for why.
    public func failed(_ failure: Failure) -> [UInt8] {
        switch kind {
        case .socks5:
            let code: UInt8 = switch failure {
            case .refused: 5
            case .networkUnreachable: 3
            case .hostUnreachable, .timedOut, .unresolved: 4
            }
            return Self.socks5Reply(code)
        case .socks4, .socks4a: return [0, 0x5B, 0, 0, 0, 0, 0, 0]
        case .http, nil:
            switch failure {
            case .timedOut: return Self.http(504, "Gateway Timeout")
            default: return Self.http(502, "Bad Gateway")
            }
        }
    }
}
