import Glibc
import SockscopeCore
import SockscopeTransport

extension PipeMode {
    func listen(signalFD: Int32) throws -> ExitStatus {
        switch plan.target {
        case .unix(let path): return try listenUnix(path: path, signalFD: signalFD)
        case .inet(let host, let ports): return try listenInet(host: host, port: ports[0], signalFD: signalFD)
        }
    }

    func listenInet(host: String?, port: UInt16, signalFD: Int32) throws -> ExitStatus {
        let addresses = try Resolver.resolve(host: host, port: port, family: plan.family,
                                             datagram: plan.datagram, numeric: plan.numeric, passive: true)
        var fd: Int32 = -1
        var lastError: SystemError?
        for address in addresses where fd < 0 {
            do {
                fd = try Listener.open(at: address, datagram: plan.datagram)
            } catch {
                lastError = SystemError("bind to \(address.numericHost) port \(port) failed", code: error.code)
            }
        }
        guard fd >= 0 else {
            log.error(lastError?.description ?? "no address to listen on")
            return .failure
        }
        let local = Socket.localAddress(fd)
        let shown = local.host(numeric: plan.numeric)
        // Port 0 asked for an ephemeral port: the banner shows the one the kernel chose.
        announce(SessionEvent(plan.datagram ? "bound" : "listening", SessionEvent.place(host: local.numericHost, port: local.port)
                               + [("proto", .string(plan.protocolName))],
                               text: plan.datagram ? NetcatWords.bound(host: shown, port: local.port)
                                                   : NetcatWords.listening(host: shown, port: local.port)))
        announceCertificate()
        announcePolicy()
        return try relay(signalFD: signalFD, endpoint: listening(fd))
    }

    func listenUnix(path: String, signalFD: Int32) throws -> ExitStatus {
        try UnixSocketPath.prepareForBind(path, datagram: plan.datagram)
        let address = try SocketAddress(unixPath: path)
        let fd: Int32
        do {
            fd = try Listener.open(at: address, datagram: plan.datagram)
        } catch {
            throw SystemError("bind to \(path) failed", code: error.code)
        }
        let owned = UnixSocketPath.Owned(path: path)
        defer { owned?.remove() }
        announce(SessionEvent(plan.datagram ? "bound" : "listening", SessionEvent.place(host: path, port: nil),
                               text: plan.datagram ? NetcatWords.bound(path: path) : NetcatWords.listening(path: path)))
        announceCertificate()
        announcePolicy()
        return try relay(signalFD: signalFD, endpoint: listening(fd), listeningPath: path)
    }

    /// -v, after the readiness line: the certificate a TLS client will see, by its fingerprint.
    func announceCertificate() {
        guard let context = tlsContext, !context.client, let tls = plan.tls else { return }
        let temporary = tls.certFile == nil
        announce(SessionEvent("tls-certificate", [("sha256", .string(context.fingerprint)), ("temporary", .bool(temporary))],
                               text: "TLS: " + context.certificateWords(temporary: temporary)))
    }

    func listening(_ fd: Int32) -> Endpoint {
        plan.datagram ? .datagramServer(fd) : .listener(fd)
    }
}
