/// Asking a proxy to connect to the next place (issue 22), byte by byte and never blocking: the
/// stream stage hands it what the proxy sent, and sends what it says. One hop at a time; a chain
/// is one negotiation per proxy, each asking for the next one. Pure: no socket here.
public struct ProxyNegotiation: Sendable {
    public enum Step: Sendable, Equatable {
        /// Send these bytes, then wait for the proxy's answer.
        case send([UInt8])
        /// More of the answer is needed.
        case waiting
        /// The tunnel is open; bytes the proxy sent after its answer are the target's first.
        case connected(leftover: [UInt8], detail: String)
        /// The proxy said no (its reason, in its words), or broke the protocol.
        case refused(String)
    }

    public let hop: ProxyHop
    /// What the proxy is asked to connect to: a name (the proxy resolves it) or an address.
    public let targetHost: String
    public let targetPort: UInt16
    var phase: Phase = .start
    var received: [UInt8] = []
    /// What passed, for -v: `greeting → no authentication`, `request CONNECT host:80 → succeeded`.
    public private(set) var said: [String] = []
    /// The name of the message each `.send` carries (`greeting`, `request CONNECT host:80`), and
    /// each answer taken with its length in bytes, for the ladder.
    public private(set) var sentName = ""
    public private(set) var answers: [(text: String, length: Int)] = []

    enum Phase: Sendable { case start, method, authentication, reply, done }

    /// An HTTP proxy's answer is a header; past this it is not one.
    static let headerLimit = 16 * 1024

    public init(hop: ProxyHop, targetHost: String, targetPort: UInt16) {
        self.hop = hop
        self.targetHost = targetHost
        self.targetPort = targetPort
    }

    /// The first bytes to send: the greeting (SOCKS5), the request (SOCKS4, HTTP).
    public mutating func start() -> Step {
        switch hop.kind {
        case .socks5:
            phase = .method
            let methods: [UInt8] = hop.credentials == nil ? [0x00] : [0x00, 0x02]
            said.append("greeting (methods: \(hop.credentials == nil ? "no authentication" : "none, username/password"))")
            sentName = "greeting"
            return .send([5, UInt8(methods.count)] + methods)
        case .socks4, .socks4a:
            return socks4Request()
        case .http:
            return httpRequest()
        }
    }

    /// Takes what the proxy sent; says what to do next.
    public mutating func take(_ bytes: [UInt8]) -> Step {
        received += bytes
        switch (hop.kind, phase) {
        case (.socks5, .method): return socks5Method()
        case (.socks5, .authentication): return socks5Authenticated()
        case (.socks5, .reply): return socks5Reply()
        case (.socks4, .reply), (.socks4a, .reply): return socks4Reply()
        case (.http, .reply): return httpReply()
        default: return .refused("the proxy sent more than was asked")
        }
    }

    // MARK: SOCKS5 (RFC 1928, RFC 1929)

    mutating func socks5Method() -> Step {
        guard received.count >= 2 else { return .waiting }
        guard received[0] == 5 else { return .refused("not a SOCKS5 proxy (its answer starts with \(received[0]))") }
        let method = received[1]
        received.removeFirst(2)
        switch method {
        case 0x00:
            said.append("method: no authentication")
            answers.append(("method: no authentication", 2))
            return socks5Request()
        case 0x02:
            guard let credentials = hop.credentials else { return .refused("it asks for a username and password, and none was given") }
            let user = Array(credentials.user.utf8), password = Array(credentials.password.utf8)
            guard (1...255).contains(user.count), (1...255).contains(password.count) else {
                return .refused("a SOCKS5 username and password must each be 1 to 255 bytes")
            }
            said.append("method: username/password")
            answers.append(("method: username/password", 2))
            phase = .authentication
            sentName = "username/password"
            return .send([1, UInt8(user.count)] + user + [UInt8(password.count)] + password)
        case 0xFF:
            return .refused("no acceptable authentication method\(hop.credentials == nil ? " (it may want a username and password: --proxy-auth)" : "")")
        default:
            return .refused("it chose authentication method \(method), which sockscope does not speak")
        }
    }

    mutating func socks5Authenticated() -> Step {
        guard received.count >= 2 else { return .waiting }
        let status = received[1]
        received.removeFirst(2)
        guard status == 0 else { return .refused("username and password refused (status \(status))") }
        said.append("authenticated")
        answers.append(("authenticated", 2))
        return socks5Request()
    }

    mutating func socks5Request() -> Step {
        phase = .reply
        var request: [UInt8] = [5, 1, 0]
        if let address = IPAddress(text: targetHost) {
            request += (address.isIPv6 ? [4] : [1]) + address.bytes
        } else {
            let name = Array(targetHost.utf8)
            guard (1...255).contains(name.count) else { return .refused("a host name for SOCKS5 must be 1 to 255 bytes") }
            request += [3, UInt8(name.count)] + name
        }
        request += [UInt8(targetPort >> 8), UInt8(targetPort & 0xFF)]
        said.append("request CONNECT \(ProxyHop.hostPort(targetHost, targetPort))")
        sentName = "request CONNECT \(ProxyHop.hostPort(targetHost, targetPort))"
        return .send(request)
    }

    mutating func socks5Reply() -> Step {
        guard received.count >= 5 else { return .waiting }
        guard received[0] == 5 else { return .refused("not a SOCKS5 reply (it starts with \(received[0]))") }
        // The bound address: IPv4, IPv6 or a domain name (which some proxies send; accepted).
        let addressLength: Int
        switch received[3] {
        case 1: addressLength = 4
        case 4: addressLength = 16
        case 3: addressLength = 1 + Int(received[4])
        default: return .refused("a reply with address type \(received[3])")
        }
        let total = 4 + addressLength + 2
        guard received.count >= total else { return .waiting }
        let code = received[1]
        guard code == 0 else { return .refused("\(Self.socks5Reason(code)) (reply \(code))") }
        let bound = Self.boundAddress(type: received[3], bytes: Array(received[4..<(4 + addressLength)]))
        let port = UInt16(received[total - 2]) << 8 | UInt16(received[total - 1])
        received.removeFirst(total)
        said.append("succeeded, bound \(ProxyHop.hostPort(bound, port))")
        answers.append(("reply: succeeded", total))
        phase = .done
        return .connected(leftover: received, detail: said.joined(separator: " → "))
    }

    static func boundAddress(type: UInt8, bytes: [UInt8]) -> String {
        switch type {
        case 1, 4: IPAddress(bytes: bytes).description
        default: String(decoding: bytes.dropFirst(), as: UTF8.self)
        }
    }

    public static func socks5Reason(_ code: UInt8) -> String {
        switch code {
        case 1: "general SOCKS server failure"
        case 2: "connection not allowed by ruleset"
        case 3: "network unreachable"
        case 4: "host unreachable"
        case 5: "connection refused"
        case 6: "TTL expired"
        case 7: "command not supported"
        case 8: "address type not supported"
        default: "unassigned reply"
        }
    }

    // MARK: SOCKS4 and 4a

    mutating func socks4Request() -> Step {
        phase = .reply
        let port: [UInt8] = [UInt8(targetPort >> 8), UInt8(targetPort & 0xFF)]
        let user = Array((hop.credentials?.user ?? "").utf8)
        guard user.count <= 255 else { return .refused("a SOCKS4 user id must be at most 255 bytes") }
        let request = "request CONNECT \(ProxyHop.hostPort(targetHost, targetPort))"
        if let address = IPAddress(text: targetHost), !address.isIPv6 {
            said.append(request)
            sentName = request
            return .send([4, 1] + port + address.bytes + user + [0])
        }
        guard hop.kind == .socks4a else { return .refused("SOCKS4 carries only IPv4 addresses (-X 4a or 5 sends a name)") }
        let name = Array(targetHost.utf8)
        guard (1...255).contains(name.count) else { return .refused("a host name for SOCKS4a must be 1 to 255 bytes") }
        said.append(request + " (the proxy resolves it)")
        sentName = request
        return .send([4, 1] + port + [0, 0, 0, 1] + user + [0] + name + [0])
    }

    mutating func socks4Reply() -> Step {
        guard received.count >= 8 else { return .waiting }
        let code = received[1]
        received.removeFirst(8)
        guard code == 0x5A else { return .refused("\(Self.socks4Reason(code)) (reply \(code))") }
        said.append("granted")
        answers.append(("reply: granted", 8))
        phase = .done
        return .connected(leftover: received, detail: said.joined(separator: " → "))
    }

    public static func socks4Reason(_ code: UInt8) -> String {
        switch code {
        case 0x5B: "request rejected or failed"
        case 0x5C: "rejected: the proxy cannot reach our identd"
        case 0x5D: "rejected: identd says another user"
        default: "not a SOCKS4 reply"
        }
    }

    // MARK: HTTP CONNECT

    mutating func httpRequest() -> Step {
        phase = .reply
        let authority = ProxyHop.hostPort(targetHost, targetPort)
        var request = "CONNECT \(authority) HTTP/1.1\r\nHost: \(authority)\r\n"
        if let credentials = hop.credentials {
            request += "Proxy-Authorization: Basic \(Base64.encode(Array("\(credentials.user):\(credentials.password)".utf8)))\r\n"
        }
        request += "\r\n"
        said.append("CONNECT \(authority)\(hop.credentials == nil ? "" : " (Basic authentication)")")
        sentName = "CONNECT \(authority)"
        return .send(Array(request.utf8))
    }

    mutating func httpReply() -> Step {
        guard let end = Self.headerEnd(received) else {
            return received.count > Self.headerLimit ? .refused("its answer's header passes \(Self.headerLimit / 1024) KiB") : .waiting
        }
        let header = String(decoding: received[..<end], as: UTF8.self)
        let statusLine = header.split(separator: "\r\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            return .refused("not an HTTP answer: \(String(statusLine.prefix(80)))")
        }
        guard (200...299).contains(status) else {
            let hint = status == 407 ? (hop.credentials == nil ? ": it wants a username and password (--proxy-auth)" : ": the credentials were refused") : ""
            return .refused("\(statusLine)\(hint)")
        }
        received.removeFirst(end + 4)
        said.append(statusLine)
        answers.append((statusLine, end + 4))
        phase = .done
        return .connected(leftover: received, detail: said.joined(separator: " → "))
    }

    /// Where `\r\n\r\n` begins, if it has arrived.
    static func headerEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }
}
