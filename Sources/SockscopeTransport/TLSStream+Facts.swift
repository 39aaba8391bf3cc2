import CTLS
import SockscopeCore

/// What the /tls overlay shows of a connection: asked of OpenSSL when the screen draws it, and
/// the handshake's steps as our end saw them pass (the record events, kept for the ladder).
extension TLSStream {
    public var tlsFacts: TLSFacts? { facts }

    public var facts: TLSFacts {
        var facts = TLSFacts()
        facts.server = !settings.context.client
        facts.version = version
        facts.cipher = cipher
        var group = [CChar](repeating: 0, count: 64)
        if ctls_group(session, &group, group.count) > 0 { facts.group = TLSContext.text(group) }
        facts.alpn = alpn
        facts.serverName = facts.server ? (requestedName.isEmpty ? nil : requestedName) : settings.servername
        facts.resumed = ctls_resumed(session) == 1
        facts.failed = failure != nil
        facts.verification = stageFailure ?? lower.failure ?? (handshakeDone
            ? settings.context.handshakeWords(requested: requestedName, sent: settings.servername, peer: peerSubject)
            : "not verified yet")
        facts.verifyResult = String(cString: ctls_verify_result(session))
        facts.peerChain = Self.chain(session, verified: false)
        facts.verifiedChain = Self.chain(session, verified: true)
        var own = ctls_certificate()
        if ctls_own_certificate(session, &own) == 1 { facts.ownCertificate = Self.certificate(own) }
        facts.steps = steps
        return facts
    }

    /// At most this many certificates of a chain are shown (a peer may send a hundred).
    static let chainShown = 8

    static func chain(_ session: OpaquePointer, verified: Bool) -> [TLSFacts.Certificate] {
        var certificates = [ctls_certificate](repeating: ctls_certificate(), count: chainShown)
        let count = ctls_peer_chain(session, verified ? 1 : 0, &certificates, certificates.count)
        return certificates.prefix(min(count, chainShown)).map(certificate)
    }

    static func certificate(_ raw: ctls_certificate) -> TLSFacts.Certificate {
        func text<T>(_ field: T) -> String {
            withUnsafeBytes(of: field) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return TLSFacts.Certificate(subject: text(raw.subject), issuer: text(raw.issuer), names: text(raw.names),
                                    notBefore: text(raw.not_before), notAfter: text(raw.not_after), sha256: text(raw.sha256))
    }

    /// A step of the handshake, the first time its event passes: the hellos, each side's
    /// Finished, the first application data either way.
    func noteStep(_ event: TLSRecordReader.Event, sent: Bool) {
        let name: String
        switch event {
        case .handshake(1, _): name = "ClientHello"
        case .handshake(2, false): name = "ServerHello"
        case .handshake(20, _): name = sent == settings.context.client ? "client's Finished" : "server's Finished"
        case .inner(TLSNames.applicationData): name = TLSFacts.firstApplicationByte
        // TLS 1.2's application data is not protected inside: its header says it.
        case .header(TLSNames.applicationData, _) where handshakeDone && version != "TLSv1.3": name = TLSFacts.firstApplicationByte
        default: return
        }
        guard !steps.contains(where: { $0.name == name }) else { return }
        steps.append(TLSFacts.Step(name, at: settings.clock()))
    }
}
