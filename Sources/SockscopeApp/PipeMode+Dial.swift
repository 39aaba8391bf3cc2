import Glibc
import SockscopeCore
import SockscopeTransport

extension PipeMode {
    func dial(signalFD: Int32) throws -> ExitStatus {
        switch plan.target {
        case .unix(let path): return try dialUnix(path: path, signalFD: signalFD)
        case .inet(let host, let ports):
            // Through proxies, the socket goes to the first one; the stream asks for the target
            // (a name to resolve here is resolved before any dial).
            if let proxy = plan.proxies.first {
                proxyMaker = try proxyStage()
                return try dialInet(host: proxy.host, port: proxy.port, signalFD: signalFD)
            }
            return try dialInet(host: host ?? "", port: ports[0], signalFD: signalFD)
        }
    }

    func dialInet(host: String, port: UInt16, signalFD: Int32) throws -> ExitStatus {
        let addresses = try Resolver.resolve(host: host, port: port, family: plan.family,
                                             datagram: plan.datagram, numeric: plan.numeric, passive: false)
        let sources = try plan.sourceAddress.map { source throws(TransportError) in
            try Resolver.resolve(host: source, port: 0, family: plan.family, datagram: plan.datagram,
                                 numeric: plan.numeric, passive: false, source: true)
        }
        if interactive && !plan.datagram {
            return try dialOnScreen(addresses, sources: sources, host: host, port: port, signalFD: signalFD)
        }
        var lastFailure: String?
        for (index, address) in addresses.enumerated() {
            var source: SocketAddress?
            if let sources {
                guard let match = sources.first(where: { $0.family == address.family }) else {
                    lastFailure = "source address \(plan.sourceAddress ?? "") is not of the family of \(address.numericHost)"
                    continue
                }
                source = match
            }
            let dialer = Dialer(datagram: plan.datagram, timeout: plan.timeout, source: source,
                                sourcePort: plan.sourcePort, signalFD: signalFD)
            switch dialer.connect(to: address) {
            case .success(let fd):
                announce(SessionEvent("connected", [("host", .string(host))] + SessionEvent.place(host: address.numericHost, port: port)
                                       + [("proto", .string(plan.protocolName))],
                                       text: plan.successLine(typed: host, address: address, port: port)))
                announcePolicy()
                return try relay(signalFD: signalFD, endpoint: .connected(fd, peer: address))
            case .failure(.interrupted(let number)):
                return .signal(number)
            case .failure(let failure):
                let message = plan.failureLine(failure, typed: host, address: address, port: port)
                // nc -v reports every address tried; without -v only the last failure is shown.
                if plan.verbose && index < addresses.count - 1, let message { log.error(message) }
                lastFailure = message
            }
        }
        log.error(lastFailure ?? "no address to connect to for \(host)")
        return .failure
    }

    /// The screen opens at once and shows the handshake as it happens (SYN_SENT live, its
    /// retransmissions counted), the engine finishing it; when it fails, the engine tries the
    /// name's next address, each attempt on the screen, the loop never blocked. An address whose
    /// socket cannot even be started (no route, no source of its family) is passed over here.
    func dialOnScreen(_ addresses: [SocketAddress], sources: [SocketAddress]?, host: String, port: UInt16,
                      signalFD: Int32) throws -> ExitStatus {
        let plan = plan
        let candidates = addresses.filter { address in sources.map { $0.contains { $0.family == address.family } } ?? true }
        let start = { (address: SocketAddress) in
            Dialer(datagram: false, timeout: plan.timeout, source: sources?.first { $0.family == address.family },
                   sourcePort: plan.sourcePort, signalFD: signalFD).start(to: address)
        }
        var lastFailure = candidates.isEmpty && !addresses.isEmpty
            ? "source address \(plan.sourceAddress ?? "") is not of the family of \(addresses[0].numericHost)" : nil
        for (index, address) in candidates.enumerated() {
            let since = io.monotonic()
            switch start(address) {
            case .success(let started) where started.connected:
                return try relay(signalFD: signalFD, endpoint: .connected(started.fd, peer: address))
            case .success(let started):
                return try relay(signalFD: signalFD, endpoint: .connecting(started.fd, peer: address, since: since,
                                                                           others: Array(candidates[(index + 1)...]), start: start))
            case .failure(let failure):
                lastFailure = plan.failureLine(failure, typed: host, address: address, port: port)
            }
        }
        log.error(lastFailure ?? "no address to connect to for \(host)")
        return .failure
    }

    func dialUnix(path: String, signalFD: Int32) throws -> ExitStatus {
        try UnixSocketPath.checkDialable(path)
        let address = try SocketAddress(unixPath: path)
        // A datagram client needs a name of its own, or the server could not answer it.
        var ownPath = plan.sourceAddress
        if plan.datagram && ownPath == nil { ownPath = UnixSocketPath.temporaryPath() }
        var owned: UnixSocketPath.Owned?
        defer { owned?.remove() }
        var source: SocketAddress?
        if let ownPath {
            try UnixSocketPath.prepareForBind(ownPath, datagram: plan.datagram)
            source = try SocketAddress(unixPath: ownPath)
        }
        let dialer = Dialer(datagram: plan.datagram, timeout: plan.timeout, source: source,
                            sourcePort: nil, signalFD: signalFD)
        let result = dialer.connect(to: address)
        if let ownPath { owned = UnixSocketPath.Owned(path: ownPath) }
        switch result {
        case .success(let fd):
            announcePolicy()
            return try relay(signalFD: signalFD, endpoint: .connected(fd, peer: address))
        case .failure(.interrupted(let number)):
            return .signal(number)
        case .failure(.timedOut):
            log.error("\(path): connection timed out")
        case .failure(.refused(let error)):
            log.error("\(path): \(error.reason)")
        }
        return .failure
    }
}

extension PipeMode {
    func proxyStage() throws -> ((Int32) -> any ByteStream)? {
        guard case .inet(let host?, let ports) = plan.target else { return nil }
        return try ProxyStage.maker(hops: plan.proxies, host: host, port: ports[0], family: plan.family, numeric: plan.numeric,
                                    proxyResolvesName: plan.proxyResolvesName, timeout: plan.timeout, clock: io.monotonic)
    }
}
