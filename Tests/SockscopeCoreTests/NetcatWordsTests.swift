import Testing
@testable import SockscopeCore

struct NetcatWordsTests {
    /// The exact lines OpenBSD nc 1.219 (Debian) printed on this machine.
    @Test func matchesNcWording() {
        #expect(NetcatWords.listening(host: "127.0.0.1", port: 34955) == "Listening on 127.0.0.1 34955")
        #expect(NetcatWords.bound(host: "localhost", port: 55469) == "Bound on localhost 55469")
        #expect(NetcatWords.bound(path: "/tmp/u.sock") == "Bound on /tmp/u.sock")
        #expect(NetcatWords.received(host: "127.0.0.1", port: 44628) == "Connection received on 127.0.0.1 44628")
        #expect(NetcatWords.succeeded(typed: "127.0.0.1", address: "127.0.0.1", port: 34955, proto: "tcp", service: nil)
                == "Connection to 127.0.0.1 34955 port [tcp/*] succeeded!")
        #expect(NetcatWords.succeeded(typed: "localhost", address: "127.0.0.1", port: 22, proto: "tcp", service: "ssh")
                == "Connection to localhost (127.0.0.1) 22 port [tcp/ssh] succeeded!")
        #expect(NetcatWords.connectFailed(typed: "localhost", address: "127.0.0.1", port: 1, proto: "tcp", reason: "Connection refused")
                == "connect to localhost (127.0.0.1) port 1 (tcp) failed: Connection refused")
        #expect(NetcatWords.resolveFailed(host: "nosuchhost.invalid", port: 80, reason: "Name or service not known")
                == "getaddrinfo for host \"nosuchhost.invalid\" port 80: Name or service not known")
    }

    @Test func policyLineNamesTheRule() {
        #expect(NetcatWords.endOfInputPolicy(.quit(after: 1.5), readsStdin: true).contains("quit after 1.5 s with nothing received"))
        #expect(NetcatWords.endOfInputPolicy(.quit(after: 2), readsStdin: true).contains("quit after 2 s with nothing received"))
        #expect(NetcatWords.endOfInputPolicy(.quit(after: 0), readsStdin: true).contains("quit when the peer finishes"))
        #expect(NetcatWords.endOfInputPolicy(.keepOpen, readsStdin: true).contains("keep the connection open"))
        #expect(NetcatWords.endOfInputPolicy(.shutdownWrite, readsStdin: false).contains("not read"))
    }
}
