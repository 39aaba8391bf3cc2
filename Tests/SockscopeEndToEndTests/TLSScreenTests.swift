import Glibc
import Testing
import TestSupport

/// The screen over TLS, in a real terminal: the /tls overlay (Ctrl-O) with what was agreed, the
/// certificate as sent with the fingerprint openssl computes, the verification's result and the
/// handshake's steps; a refused certificate still shown after the connection has gone.
@Suite(.timeLimit(.minutes(2)),
       .enabled(if: TLSPeers.available && Paths.which("tmux"), "skipped: needs openssl, socat and tmux"))
struct TLSScreenTests {
    static func fingerprint(_ cert: String) throws -> String {
        let shown = try Child.run(["openssl", "x509", "-in", cert, "-noout", "-fingerprint", "-sha256"])
        return String(shown.child.stdoutText.split(separator: "=").last ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func theOverlayShowsTheHandshake() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let cert = try TLSTests.certificate(in: scratch)
            let (server, port) = try TLSTests.server(cert, "-")
            let tmux = try Tmux("\(Paths.sockscope) --tls --tls-ca \(cert.cert) localhost \(port)", columns: 150, rows: 45)
            try tmux.wait(forText: "certificate verified for localhost")
            server.write("hello\n")
            try tmux.wait(forText: "← hello")
            tmux.send("C-o")
            let overlay = try tmux.wait(for: "the overlay") { $0.contains("TLS · connection #1") && $0.contains("SHA-256 ") }
            #expect(overlay.contains("TLSv1.3 · TLS_"), "\(overlay)")
            #expect(overlay.contains("we dial · sent as SNI: localhost"))
            #expect(overlay.contains("timings: TCP connected → ClientHello +") && overlay.contains("first application byte +"))
            #expect(overlay.contains("0 /CN=localhost") && overlay.contains("names DNS:localhost, IP:127.0.0.1"))
            #expect(overlay.contains("SHA-256 \(try Self.fingerprint(cert.cert))"), "\(overlay)")
            tmux.send("Escape")
            try tmux.wait(for: "the overlay closed") { !$0.contains("TLS · connection #1") }
            tmux.line("/quit")
            try tmux.wait(forText: "EXIT=0")
            server.signal(SIGTERM)
            _ = try server.waitForExit()
        }
    }

    /// Verification refused: the connection ends, /tls still shows why and what was sent, and
    /// the screen exits 1 as a pipe would.
    @Test func aRefusedCertificateIsStillShown() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let cert = try TLSTests.certificate(in: scratch)
            let (server, port) = try TLSTests.server(cert, "-")
            let tmux = try Tmux("\(Paths.sockscope) --tls localhost \(port)", columns: 150, rows: 45)
            try tmux.wait(forText: "certificate verification failed: self-signed certificate")
            tmux.line("/tls")
            let overlay = try tmux.wait(for: "the overlay") { $0.contains("TLS · connection #1") && $0.contains("SHA-256 ") }
            #expect(overlay.contains("handshake failed · "), "\(overlay)")
            #expect(overlay.contains("the server's chain, as sent:") && overlay.contains("0 /CN=localhost"))
            #expect(overlay.contains("SHA-256 \(try Self.fingerprint(cert.cert))"))
            tmux.line("/quit")
            // The session failed, as it does in a pipe: exit 1.
            try tmux.wait(forText: "EXIT=1")
            server.signal(SIGTERM)
            _ = try server.waitForExit()
        }
    }
}
