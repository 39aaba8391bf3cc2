import SockscopeCore
import Testing

/// The /tls overlay's words: what was agreed, what was verified, the handshake's steps in time
/// and each certificate — the peer's strings escaped, since a certificate is the peer's text.
@Suite struct TLSFactsTests {
    static func certificate(_ subject: String, issuer: String) -> TLSFacts.Certificate {
        TLSFacts.Certificate(subject: subject, issuer: issuer, names: "DNS:localhost, IP:127.0.0.1", notBefore: "2026-12-07 00:00:00 UTC",
                             notAfter: "2026-12-09 00:00:00 UTC", sha256: "AA:BB")
    }

    @Test func aVerifiedDial() {
        var facts = TLSFacts()
        facts.version = "TLSv1.3"
        facts.cipher = "TLS_AES_256_GCM_SHA384"
        facts.group = "X25519"
        facts.alpn = "h2"
        facts.serverName = "localhost"
        facts.verification = "certificate verified for localhost"
        facts.peerChain = [Self.certificate("/CN=localhost", issuer: "/CN=Test CA")]
        facts.verifiedChain = facts.peerChain + [Self.certificate("/CN=Test CA", issuer: "/CN=Test CA")]
        facts.steps = [.init("TCP connected", at: 10), .init("ClientHello", at: 10.0005), .init("ServerHello", at: 10.002),
                       .init("first application byte", at: 10.25)]
        let lines = facts.lines()
        #expect(Array(lines.prefix(4)) == [
            "TLSv1.3 · TLS_AES_256_GCM_SHA384 · group X25519 · ALPN h2 · full handshake",
            "we dial · sent as SNI: localhost",
            "certificate verified for localhost",
            "timings: TCP connected → ClientHello +500µs → ServerHello +2.0ms → first application byte +250ms",
        ])
        #expect(lines.contains("the server's chain, as sent:") && lines.contains("as verified, to the trusted root:"))
        #expect(lines.contains("  1 /CN=Test CA") && lines.contains("    SHA-256 AA:BB"))
    }

    /// A refused certificate still shows, with the reason once; a peer's escape sequences in
    /// its subject or its ALPN never reach the terminal.
    @Test func aRefusalAndAHostilePeer() {
        var facts = TLSFacts()
        facts.failed = true
        facts.alpn = "h2\u{1B}]0;owned\u{07}"
        facts.verification = "certificate verification failed: self-signed certificate (depth 0, /CN=x)"
        facts.verifyResult = "self-signed certificate"
        facts.peerChain = [Self.certificate("/CN=\u{1B}[2Jx", issuer: "/CN=x")]
        let lines = facts.lines()
        #expect(lines[0].hasPrefix("handshake failed · "))
        #expect(lines[2] == "certificate verification failed: self-signed certificate (depth 0, /CN=x)")
        #expect(!lines.joined().unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
        #expect(lines.contains { $0.hasPrefix("  0 /CN=") && $0.hasSuffix("x") })
        // --tls-no-verify: what verification would have refused is said.
        facts.failed = false
        facts.verification = "certificate not verified (--tls-no-verify)"
        #expect(facts.lines()[2] == "certificate not verified (--tls-no-verify) · verification found: self-signed certificate")
    }
}
