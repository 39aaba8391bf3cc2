import SockscopeTransport

/// --tls as `probe` and `send` take it: a client's TLS, the peer's certificate verified against
/// the system's trusted certificates or a file, for the host typed or another name.
public struct TLSClientChoice: Sendable {
    public var verify = true
    public var caFile: String?
    public var servername: String?

    public init(verify: Bool = true, caFile: String? = nil, servername: String? = nil) {
        self.verify = verify
        self.caFile = caFile
        self.servername = servername
    }

    /// The settings of each connection's stage. The name typed goes as SNI, as pipe mode sends
    /// it (an address is checked as one, never sent as SNI).
    func settings(host: String, handshakeLimit: Double, clock: @escaping () -> Double) throws(TransportError) -> TLSStream.Settings {
        let context = try TLSContext(clientVerifying: verify, caFile: caFile, certFile: nil, keyFile: nil, keepingKeyLog: false)
        return TLSStream.Settings(context: context, servername: servername ?? host, handshakeLimit: handshakeLimit, clock: clock)
    }
}
