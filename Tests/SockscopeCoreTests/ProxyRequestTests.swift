import SockscopeCore
import Testing

/// A proxy's side of the negotiation (`sockscope proxy`, issue 22): what each kind of client asks,
/// whole or a byte at a time, and what it is answered — our own client's negotiation against it,
/// each refusal in its protocol's terms.
@Suite struct ProxyRequestTests {
    static let alice = ProxyHop.Credentials(user: "alice", password: "s3cret:x")

    /// Our client's negotiation against the server's, the target dialed from 127.0.0.1:40000:
    /// the server's target and early bytes, and the client's outcome.
    static func converse(_ hop: ProxyHop, host: String, port: UInt16, accepting: [ProxyHop.Credentials]?,
                         early: [UInt8] = [], dialFails: ProxyRequest.Failure? = nil) -> (ProxyRequest.Next, ProxyNegotiation.Step) {
        var client = ProxyNegotiation(hop: hop, targetHost: host, targetPort: port)
        var server = ProxyRequest(credentials: accepting)
        var step = client.start()
        var next = ProxyRequest.Next.waiting
        for _ in 0..<10 {
            guard case .send(var bytes) = step else { return (next, step) }
            if case .waiting = next {} else { return (next, step) }
            // The tunnel's first bytes travel with the request (an eager client).
            if client.sentName.hasPrefix("request") || client.sentName.hasPrefix("CONNECT") { bytes += early }
            let answer = server.take(bytes)
            next = answer.next
            var reply = answer.reply
            switch next {
            case .connect:
                reply += dialFails.map(server.failed) ?? server.granted(bound: IPAddress(ipv4: 0x7F00_0001), port: 40000)
            case .refuse, .waiting: break
            }
            step = client.take(reply)
        }
        return (next, step)
    }

    @Test(arguments: [ProxyHop.Kind.socks4a, .socks5, .http])
    func eachKindConnectsToANameAndPassesEarlyBytes(kind: ProxyHop.Kind) {
        let hop = ProxyHop(kind: kind, host: "127.0.0.1", port: 1080)
        let (next, step) = Self.converse(hop, host: "db.internal", port: 5432, accepting: nil, early: Array("hi".utf8))
        guard case .connect(let target, let early) = next else { Issue.record("\(next)"); return }
        #expect(target == ProxyRequest.Target(host: "db.internal", port: 5432))
        #expect(early == Array("hi".utf8))
        guard case .connected = step else { Issue.record("\(step)"); return }
    }

    @Test func socks4AndIPv6Targets() {
        let (next4, _) = Self.converse(ProxyHop(kind: .socks4, host: "h", port: 1), host: "10.1.2.3", port: 80, accepting: nil)
        #expect(next4 == .connect(.init(host: "10.1.2.3", port: 80), early: []))
        let (next5, _) = Self.converse(ProxyHop(kind: .socks5, host: "h", port: 1), host: "::1", port: 443, accepting: nil)
        #expect(next5 == .connect(.init(host: "::1", port: 443), early: []))
        let (nextHTTP, _) = Self.converse(ProxyHop(kind: .http, host: "h", port: 1), host: "fe80::1", port: 8443, accepting: nil)
        #expect(nextHTTP == .connect(.init(host: "fe80::1", port: 8443), early: []))
        #expect(ProxyRequest.Target(host: "::1", port: 443).label == "[::1]:443")
    }

    @Test(arguments: [ProxyHop.Kind.socks5, .http])
    func credentialsAreCheckedAndRefusedPlainly(kind: ProxyHop.Kind) {
        let good = ProxyHop(kind: kind, host: "h", port: 1, credentials: Self.alice)
        let (next, step) = Self.converse(good, host: "127.0.0.1", port: 80, accepting: [Self.alice])
        #expect(next == .connect(.init(host: "127.0.0.1", port: 80), early: []))
        guard case .connected = step else { Issue.record("\(step)"); return }
        let wrong = ProxyHop(kind: kind, host: "h", port: 1, credentials: .init(user: "alice", password: "guess"))
        let (refused, answer) = Self.converse(wrong, host: "127.0.0.1", port: 80, accepting: [Self.alice])
        guard case .refuse(let reason) = refused else { Issue.record("\(refused)"); return }
        #expect(reason.contains("alice"))
        guard case .refused(let words) = answer else { Issue.record("\(answer)"); return }
        #expect(words.contains(kind == .http ? "407" : "refused"))
        // Without any: SOCKS5 offers no method the proxy takes; HTTP is told 407.
        let none = ProxyHop(kind: kind, host: "h", port: 1)
        let (refusedAgain, told) = Self.converse(none, host: "127.0.0.1", port: 80, accepting: [Self.alice])
        guard case .refuse = refusedAgain, case .refused(let plain) = told else { Issue.record("\(refusedAgain) \(told)"); return }
        #expect(plain.contains(kind == .http ? "407" : "no acceptable authentication method"))
    }

    @Test func socks4CarriesNoPasswordSoItIsRefusedWhenOneIsAsked() {
        let (next, step) = Self.converse(ProxyHop(kind: .socks4a, host: "h", port: 1), host: "x.test", port: 80, accepting: [Self.alice])
        guard case .refuse(let reason) = next else { Issue.record("\(next)"); return }
        #expect(reason.contains("no password"))
        #expect(step == .refused("request rejected or failed (reply 91)"))
    }

    @Test func aFailedDialIsAnsweredInEachProtocolsTerms() {
        let (_, socks5) = Self.converse(ProxyHop(kind: .socks5, host: "h", port: 1), host: "127.0.0.1", port: 9, accepting: nil, dialFails: .refused)
        #expect(socks5 == .refused("connection refused (reply 5)"))
        let (_, http) = Self.converse(ProxyHop(kind: .http, host: "h", port: 1), host: "127.0.0.1", port: 9, accepting: nil, dialFails: .timedOut)
        #expect(http == .refused("HTTP/1.1 504 Gateway Timeout"))
        let (_, unresolved) = Self.converse(ProxyHop(kind: .socks5, host: "h", port: 1), host: "nowhere.test", port: 9, accepting: nil,
                                            dialFails: .unresolved)
        #expect(unresolved == .refused("host unreachable (reply 4)"))
        #expect(ProxyRequest.Failure(code: 111) == .refused)
    }

    @Test func aRequestArrivingAByteAtATimeIsTheSame() {
        var server = ProxyRequest(credentials: nil)
        let request: [UInt8] = [5, 1, 0] + [5, 1, 0, 3, 4] + Array("host".utf8) + [0, 80] + Array("GET".utf8)
        var replies: [UInt8] = []
        var next = ProxyRequest.Next.waiting
        for byte in request where next == .waiting {
            let step = server.take([byte])
            replies += step.reply
            next = step.next
        }
        #expect(replies == [5, 0])
        // The request ended before "GET": the rest arrives later, and goes to the target.
        #expect(next == .connect(.init(host: "host", port: 80), early: []))
    }

    @Test func whatIsNotARequestIsRefusedWithItsProtocolsAnswer() {
        func refusal(_ bytes: [UInt8], credentials: [ProxyHop.Credentials]? = nil) -> (String, [UInt8]) {
            var server = ProxyRequest(credentials: credentials)
            let step = server.take(bytes)
            guard case .refuse(let reason) = step.next else { return ("not refused: \(step.next)", step.reply) }
            return (reason, step.reply)
        }
        #expect(refusal([0x16, 3, 1]).0.contains("not a SOCKS or HTTP request"))  // a TLS ClientHello
        let bind = refusal([5, 1, 0, 5, 2, 0, 1, 127, 0, 0, 1, 0, 80])
        #expect(bind.0.contains("BIND"))
        #expect(bind.1 == [5, 0, 5, 7, 0, 1, 0, 0, 0, 0, 0, 0])
        #expect(refusal([5, 1, 0, 5, 1, 0, 9]).1.suffix(10) == [5, 8, 0, 1, 0, 0, 0, 0, 0, 0])
        #expect(refusal([4, 2, 0, 80, 127, 0, 0, 1, 0]).1 == [0, 0x5B, 0, 0, 0, 0, 0, 0])
        // A request that is neither CONNECT nor for an http:// URL: 400, the reason said.
        for line in ["GET / HTTP/1.1", "GET https://x/ HTTP/1.1", "GET http://user@x/ HTTP/1.1"] {
            let get = refusal(Array("\(line)\r\nHost: x\r\n\r\n".utf8))
            #expect(get.0.contains("only CONNECT, or a request for an http:// URL"), "\(line)")
            #expect(String(decoding: get.1, as: UTF8.self).hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "\(line)")
        }
        for authority in ["x", "x:0", "x:65536", "::1:80", "[::1]80", ":80", "x:8a"] {
            let bad = refusal(Array("CONNECT \(authority) HTTP/1.1\r\n\r\n".utf8))
            #expect(bad.0.contains("is not host:port"), "\(authority)")
            #expect(String(decoding: bad.1, as: UTF8.self).hasPrefix("HTTP/1.1 400 Bad Request"))
        }
        // No end of header within the limit: refused, not buffered without end.
        var server = ProxyRequest(credentials: nil)
        var next = server.take(Array("CONNECT x:1 HTTP/1.1\r\n".utf8)).next
        for _ in 0..<100 where next == .waiting { next = server.take([UInt8](repeating: 0x41, count: 1024)).next }
        #expect(next == .refuse("the request passes 16 KiB"))
    }

    /// `curl -x http://proxy http://site/`: the request goes on in origin form, without the
    /// proxy's own headers, for one request; the site's answer is the client's (the proxy adds
    /// none); its body follows the header untouched.
    @Test func aPlainRequestForAnHTTPURLIsSentOnInOriginForm() {
        var server = ProxyRequest(credentials: [Self.alice])
        let request = "POST http://[::1]:8080/a?b=c HTTP/1.1\r\nHost: [::1]:8080\r\nProxy-Authorization: Basic "
            + Base64.encode(Array("alice:s3cret:x".utf8)) + "\r\nProxy-Connection: Keep-Alive\r\nContent-Length: 4\r\n\r\nbody"
        let step = server.take(Array(request.utf8))
        #expect(step.reply.isEmpty)
        guard case .connect(let target, let early) = step.next else { Issue.record("\(step.next)"); return }
        #expect(target == .init(host: "::1", port: 8080))
        #expect(String(decoding: early, as: UTF8.self)
                == "POST /a?b=c HTTP/1.1\r\nHost: [::1]:8080\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbody")
        #expect(server.granted(bound: IPAddress(ipv4: 0x7F00_0001), port: 1).isEmpty)
        #expect(server.user == "alice")
        // No port: 80; no Host header: one is written.
        var bare = ProxyRequest(credentials: nil)
        guard case .connect(let site, let first) = bare.take(Array("GET http://example.test HTTP/1.0\r\n\r\n".utf8)).next else {
            Issue.record("not forwarded"); return
        }
        #expect(site == .init(host: "example.test", port: 80))
        #expect(String(decoding: first, as: UTF8.self) == "GET / HTTP/1.0\r\nHost: example.test\r\nConnection: close\r\n\r\n")
    }

    @Test func base64DecodesWhatItEncodes() {
        for text in ["", "a", "ab", "abc", "alice:s3cret:x", "\u{7F}\u{0}ÿ"] {
            #expect(Base64.decode(Base64.encode(Array(text.utf8))) == Array(text.utf8))
        }
        #expect(Base64.decode("YWxpY2U6cHc=") == Array("alice:pw".utf8))
        #expect(Base64.decode("a") == nil)
        #expect(Base64.decode("YW=x") == nil)
        #expect(Base64.decode("YW!x") == nil)
    }
}
