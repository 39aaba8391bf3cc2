import ArgumentParser
import SockscopeApp

/// --tls and its company for a client of ours (`probe`, `send`); nc's own, richer set is its own.
struct TLSClientOptions: ParsableArguments {
    @Flag(name: [.customLong("tls"), .customLong("ssl")], help: "Over TLS (probe: a handshake timed after each connect; send: to 'serve receive --tls').")
    var tls = false
    @Flag(name: .customLong("tls-no-verify"), help: "With --tls, do not verify the peer's certificate.") var tlsNoVerify = false
    @Option(name: .customLong("tls-ca"), help: ArgumentHelp("With --tls, trust the certificates in FILE instead of the system's.", valueName: "file"))
    var tlsCA: String?
    @Option(name: .customLong("tls-servername"), help: ArgumentHelp("With --tls, the name sent as SNI and checked (default: host).", valueName: "name"))
    var tlsServername: String?

    /// nil without --tls; the others without it are a usage error.
    func choice() throws -> TLSClientChoice? {
        guard tls else {
            if tlsNoVerify || tlsCA != nil || tlsServername != nil { throw ValidationError("--tls-no-verify, --tls-ca and --tls-servername: with --tls") }
            return nil
        }
        return TLSClientChoice(verify: !tlsNoVerify, caFile: tlsCA, servername: tlsServername)
    }
}
