/// What a TLS connection agreed and showed, for the screen's /tls overlay: the parameters, the
/// certificates as sent and as verified, the verification's result and the handshake's steps in
/// time. Everything that came from the peer (names, subjects, ALPN) is escaped when shown.
public struct TLSFacts: Sendable, Equatable {
    public struct Certificate: Sendable, Equatable {
        public var subject: String
        public var issuer: String
        /// `DNS:localhost, IP:127.0.0.1`.
        public var names: String
        public var notBefore: String
        public var notAfter: String
        public var sha256: String

        /// On one line: `/CN=localhost · issuer /CN=localhost · DNS:localhost · valid … – … · SHA-256 …`,
        /// the peer's strings escaped.
        public var words: String {
            [subject.terminalSafe, "issuer \(issuer.terminalSafe)", names.isEmpty ? nil : names.terminalSafe,
             "valid \(notBefore) – \(notAfter)", "SHA-256 \(sha256)"].compactMap { $0 }.joined(separator: " · ")
        }

        public init(subject: String, issuer: String, names: String, notBefore: String, notAfter: String, sha256: String) {
            self.subject = subject
            self.issuer = issuer
            self.names = names
            self.notBefore = notBefore
            self.notAfter = notAfter
            self.sha256 = sha256
        }
    }

    /// A step of the handshake and when our end saw it (the engine's clock).
    public struct Step: Sendable, Equatable {
        public var name: String
        public var time: Double

        public init(_ name: String, at time: Double) {
            self.name = name
            self.time = time
        }
    }

    /// Whether our end is the server.
    public var server = false
    public var version = ""
    public var cipher = ""
    /// The key exchange's group (`X25519`).
    public var group = ""
    public var alpn: String?
    /// The name sent as SNI (a client), or asked for by the client (a server).
    public var serverName: String?
    public var resumed = false
    /// What was verified, in the -v line's words, or why the handshake failed.
    public var verification = ""
    /// The handshake failed (`verification` says why).
    public var failed = false
    /// What verification found, even when it was off (--tls-no-verify): "" when it passed.
    public var verifyResult = ""
    public var peerChain: [Certificate] = []
    public var verifiedChain: [Certificate] = []
    public var ownCertificate: Certificate?
    /// TCP connected, ClientHello, ServerHello, Finished, first application byte — those seen.
    public var steps: [Step] = []
    /// The last step's name: the facts change no more after it.
    public static let firstApplicationByte = "first application byte"

    public init() {}

    /// The overlay's lines, most needed first (a short screen keeps the first).
    public func lines() -> [String] {
        var lines: [String] = []
        let parameters = [version.isEmpty ? (failed ? "handshake failed" : "handshake under way") : version, cipher, group.isEmpty ? "" : "group \(group)",
                          alpn.map { "ALPN \($0.terminalSafe)" } ?? "no ALPN", resumed ? "resumed" : "full handshake"]
        lines.append(parameters.filter { !$0.isEmpty }.joined(separator: " · "))
        let name = serverName.map { $0.terminalSafe } ?? "none"
        lines.append(server ? "we serve · the client asked for (SNI): \(name)" : "we dial · sent as SNI: \(name)")
        var verified = verification.terminalSafe
        // What verification found, when the line does not already say it (--tls-no-verify).
        if !verifyResult.isEmpty && !verification.contains(verifyResult) { verified += " · verification found: \(verifyResult.terminalSafe)" }
        lines.append(verified)
        if let origin = steps.first?.time {
            let timings = steps.map { step in
                step.time == origin ? step.name : "\(step.name) +\(DurationText.short(max(0, step.time - origin)))"
            }
            lines.append("timings: " + timings.joined(separator: " → "))
        }
        lines.append("")
        lines += chain(peerChain, title: server ? "the client's certificates, as sent" : "the server's chain, as sent")
        if !verifiedChain.isEmpty && verifiedChain != peerChain {
            lines += chain(verifiedChain, title: "as verified, to the trusted root")
        }
        if let ownCertificate { lines += chain([ownCertificate], title: "ours, as sent") }
        return lines
    }

    func chain(_ certificates: [Certificate], title: String) -> [String] {
        guard !certificates.isEmpty else { return ["\(title): none"] }
        var lines = ["\(title):"]
        for (depth, certificate) in certificates.enumerated() {
            lines.append("  \(depth) \(certificate.subject.terminalSafe)")
            lines.append("    issuer \(certificate.issuer.terminalSafe)")
            if !certificate.names.isEmpty { lines.append("    names \(certificate.names.terminalSafe)") }
            lines.append("    valid \(certificate.notBefore) – \(certificate.notAfter)")
            lines.append("    SHA-256 \(certificate.sha256)")
        }
        return lines
    }
}
