import SockscopeCore
import Testing

/// Asking proxies to connect (issue 22), byte for byte as the RFCs lay it out: each kind's
/// request, each kind of answer — whole or a byte at a time — and each refusal in its own words.
@Suite struct ProxyNegotiationTests {
    static func hop(_ kind: ProxyHop.Kind, _ credentials: ProxyHop.Credentials? = nil) -> ProxyHop {
        ProxyHop(kind: kind, host: "127.0.0.1", port: 1080, credentials: credentials)
    }

    /// Feeds `answer` a byte at a time: a proxy's answer may arrive in any pieces.
    static func trickle(_ negotiation: inout ProxyNegotiation, _ answer: [UInt8]) -> ProxyNegotiation.Step {
        var step = ProxyNegotiation.Step.waiting
        for byte in answer {
            step = negotiation.take([byte])
            if step != .waiting { return step }
        }
        return step
    }

    @Test func socks5WithoutAuthentication() {
        var negotiation = ProxyNegotiation(hop: Self.hop(.socks5), targetHost: "example.test", targetPort: 80)
        #expect(negotiation.start() == .send([5, 1, 0]))
        #expect(negotiation.take([5, 0]) == .send([5, 1, 0, 3, 12] + Array("example.test".utf8) + [0, 80]))
        // The reply's bound address is a domain name: accepted; bytes after it are the target's.
        let step = Self.trickle(&negotiation, [5, 0, 0, 3, 5] + Array("proxy".utf8) + [0x04, 0x38] + [0x41])
        guard case .connected(let leftover, let detail) = step else { Issue.record("\(step)"); return }
        #expect(leftover == [])  // a byte at a time: the target's byte comes after the reply is complete
        #expect(detail == "greeting (methods: no authentication) → method: no authentication → request CONNECT example.test:80 → succeeded, bound proxy:1080")
        // The ladder's names: each message sent, each answer with its length.
        #expect(negotiation.answers.map(\.text) == ["method: no authentication", "reply: succeeded"])
        #expect(negotiation.answers.map(\.length) == [2, 12])
        #expect(negotiation.sentName == "request CONNECT example.test:80")
        var whole = ProxyNegotiation(hop: Self.hop(.socks5), targetHost: "::1", targetPort: 443)
        _ = whole.start()
        #expect(whole.take([5, 0]) == .send([5, 1, 0, 4] + [UInt8](repeating: 0, count: 15) + [1, 1, 187]))
        guard case .connected(let first, _) = whole.take([5, 0, 0, 1, 127, 0, 0, 1, 0, 80, 0x68, 0x69]) else { Issue.record("no"); return }
        #expect(first == Array("hi".utf8))
    }

    @Test func socks5WithUsernameAndPassword() {
        var negotiation = ProxyNegotiation(hop: Self.hop(.socks5, .init(user: "ann", password: "s:cret")), targetHost: "10.0.0.1",
                                           targetPort: 22)
        #expect(negotiation.start() == .send([5, 2, 0, 2]))
        #expect(negotiation.take([5, 2]) == .send([1, 3] + Array("ann".utf8) + [6] + Array("s:cret".utf8)))
        #expect(negotiation.take([1, 0]) == .send([5, 1, 0, 1, 10, 0, 0, 1, 0, 22]))
        #expect(negotiation.take([5, 2, 0, 1, 0, 0, 0, 0, 0, 0]) == .refused("connection not allowed by ruleset (reply 2)"))
        var refused = ProxyNegotiation(hop: Self.hop(.socks5, .init(user: "ann", password: "x")), targetHost: "h", targetPort: 1)
        _ = refused.start()
        _ = refused.take([5, 2])
        #expect(refused.take([1, 1]) == .refused("username and password refused (status 1)"))
        var none = ProxyNegotiation(hop: Self.hop(.socks5), targetHost: "h", targetPort: 1)
        _ = none.start()
        #expect(none.take([5, 0xFF]) == .refused("no acceptable authentication method (it may want a username and password: --proxy-auth)"))
        var long = ProxyNegotiation(hop: Self.hop(.socks5, .init(user: String(repeating: "u", count: 256), password: "p")),
                                    targetHost: "h", targetPort: 1)
        _ = long.start()
        #expect(long.take([5, 2]) == .refused("a SOCKS5 username and password must each be 1 to 255 bytes"))
    }

    @Test func socks4AndSocks4a() {
        var four = ProxyNegotiation(hop: Self.hop(.socks4, .init(user: "me", password: "")), targetHost: "127.0.0.2", targetPort: 8080)
        #expect(four.start() == .send([4, 1, 0x1F, 0x90, 127, 0, 0, 2] + Array("me".utf8) + [0]))
        #expect(four.take([0, 0x5B, 0, 0, 0, 0, 0, 0]) == .refused("request rejected or failed (reply 91)"))
        var named = ProxyNegotiation(hop: Self.hop(.socks4), targetHost: "example.test", targetPort: 80)
        #expect(named.start() == .refused("SOCKS4 carries only IPv4 addresses (-X 4a or 5 sends a name)"))
        var fourA = ProxyNegotiation(hop: Self.hop(.socks4a), targetHost: "example.test", targetPort: 80)
        #expect(fourA.start() == .send([4, 1, 0, 80, 0, 0, 0, 1, 0] + Array("example.test".utf8) + [0]))
        guard case .connected(let leftover, _) = fourA.take([0, 0x5A, 0, 0, 0, 0, 0, 0, 0x21]) else { Issue.record("no"); return }
        #expect(leftover == [0x21])
    }

    @Test func httpConnect() {
        var negotiation = ProxyNegotiation(hop: Self.hop(.http, .init(user: "Aladdin", password: "open sesame")), targetHost: "::1", targetPort: 443)
        #expect(negotiation.start() == .send(Array(("CONNECT [::1]:443 HTTP/1.1\r\nHost: [::1]:443\r\n"
            + "Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n").utf8)))
        let step = negotiation.take(Array("HTTP/1.1 200 Connection established\r\nVia: test\r\n\r\nfirst bytes".utf8))
        #expect(step == .connected(leftover: Array("first bytes".utf8),
                                   detail: "CONNECT [::1]:443 (Basic authentication) → HTTP/1.1 200 Connection established"))
        var wanted = ProxyNegotiation(hop: Self.hop(.http), targetHost: "h", targetPort: 80)
        _ = wanted.start()
        #expect(Self.trickle(&wanted, Array("HTTP/1.0 407 Proxy Authentication Required\r\n\r\n".utf8))
                == .refused("HTTP/1.0 407 Proxy Authentication Required: it wants a username and password (--proxy-auth)"))
        var hostile = ProxyNegotiation(hop: Self.hop(.http), targetHost: "h", targetPort: 80)
        _ = hostile.start()
        #expect(hostile.take([UInt8](repeating: 0x41, count: 17 * 1024)) == .refused("its answer's header passes 16 KiB"))
        var garbage = ProxyNegotiation(hop: Self.hop(.http), targetHost: "h", targetPort: 80)
        _ = garbage.start()
        #expect(garbage.take(Array("SSH-2.0-x\u{1B}[2J\r\n\r\n".utf8)) == .refused("not an HTTP answer: SSH-2.0-x\u{1B}[2J"))
    }

    @Test func base64() {
        #expect(["", "f", "fo", "foo", "foob", "fooba", "foobar"].map { Base64.encode(Array($0.utf8)) }
                == ["", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"])
    }
}
