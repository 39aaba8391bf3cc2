import CTLS

/// What a run's TLS connections share: the role, the certificates trusted or our own, the key
/// log. Made once, before any connection: a bad file is one line at the start, not a failure
/// per connection. Its words (and a stream's notes and failures) are raw: a peer's names are in
/// them, and whoever shows them escapes them (Diagnostics, -v lines, the screen).
public final class TLSContext {
    let context: OpaquePointer
    public let client: Bool
    var verify: Bool
    /// A server's certificate's SHA-256 fingerprint (colon-separated hex).
    public let fingerprint: String

    /// A client's: `verify` against `caFile` (nil: the system's trusted certificates); our own
    /// certificate from `certFile` and `keyFile` when the server asks for one.
    public init(clientVerifying verify: Bool, caFile: String?, certFile: String?, keyFile: String?,
                keepingKeyLog: Bool) throws(TransportError) {
        var error = [CChar](repeating: 0, count: 256)
        guard let made = ctls_client_context(verify ? 1 : 0, caFile, certFile, keyFile, &error, error.count) else {
            let files = [caFile.map { "--tls-ca \($0)" }, certFile.map { "--tls-cert \($0)" }].compactMap { $0 }
            throw TransportError("TLS: \(files.isEmpty ? "" : files.joined(separator: ", ") + ": ")\(Self.text(error))")
        }
        context = made
        client = true
        self.verify = verify
        fingerprint = ""
        if keepingKeyLog { ctls_keep_keylog(made) }
    }

    /// A server's, with `certFile` and `keyFile` (PEM), or a temporary self-signed certificate.
    public init(serverWith certFile: String?, keyFile: String?, keepingKeyLog: Bool) throws(TransportError) {
        var error = [CChar](repeating: 0, count: 256)
        var print = [CChar](repeating: 0, count: 100)
        guard let made = ctls_server_context(certFile, keyFile, &print, &error, error.count) else {
            throw TransportError("TLS: \(certFile.map { "--tls-cert \($0): " } ?? "")\(Self.text(error))")
        }
        context = made
        client = false
        verify = false
        fingerprint = Self.text(print)
        if keepingKeyLog { ctls_keep_keylog(made) }
    }

    deinit { ctls_context_free(context) }

    /// A server's certificate as a client will see it: `certificate SHA-256 AB:…:CD`, and
    /// `(temporary, self-signed, CN=sockscope)` when none was given (the one tls.c makes).
    public func certificateWords(temporary: Bool) -> String {
        "certificate SHA-256 \(fingerprint)" + (temporary ? " (temporary, self-signed, CN=sockscope)" : "")
    }

    /// The protocol versions allowed ("1.2", "1.3"; nil: from 1.2 to OpenSSL's newest).
    public func limitVersions(min: String?, max: String?) throws(TransportError) {
        var error = [CChar](repeating: 0, count: 256)
        guard ctls_context_versions(context, min, max, &error, error.count) == 1 else { throw TransportError("TLS: \(Self.text(error))") }
    }

    /// ALPN, comma-separated: offered in this order, or accepted in this order of preference.
    public func offerProtocols(_ list: String) throws(TransportError) {
        var error = [CChar](repeating: 0, count: 256)
        guard ctls_context_alpn(context, list, &error, error.count) == 1 else { throw TransportError("TLS: \(Self.text(error))") }
    }

    /// A server's: every client must present a certificate that `caFile` (nil: the system's)
    /// vouches for.
    public func verifyClients(caFile: String?) throws(TransportError) {
        var error = [CChar](repeating: 0, count: 256)
        guard ctls_context_verify_clients(context, caFile, &error, error.count) == 1 else {
            throw TransportError("TLS: \(caFile.map { "--tls-ca \($0): " } ?? "")\(Self.text(error))")
        }
        verify = true
    }

    /// What the handshake established about the peer, in a few words.
    func handshakeWords(requested: String, sent: String?, peer: String?) -> String {
        guard client else {
            let name = requested.isEmpty ? "no server name asked for" : "the client asked for \(requested)"
            return verify ? "\(name), client certificate verified: \(peer ?? "")" : name
        }
        return verify ? "certificate verified\(sent.map { " for \($0)" } ?? "")" : "certificate not verified (--tls-no-verify)"
    }

    static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
