import SockscopeCore
import SockscopeTransport

/// `sockscope serve [NAME [host] port]` (issue 24): the practice peers listed, or one served —
/// a `RelayServer` whose face is `ServeFace`.
public struct ServeMode {
    public struct Options {
        public var peer: PracticePeer?
        public var host: String?
        public var port: UInt16 = 0
        public var family: NetcatOptions.Family = .any
        public var numeric = false
        public var verbose = false
        public var json = false
        public var filter: AddressFilter?
        public var maxConnections = 100
        public var interactive = false
        /// receive: where files go, and its two rules.
        public var directory = "."
        public var overwrite = false
        public var keepPartial = false
        /// --tls: every client through a TLS server stage (a temporary certificate unless a file).
        public var tls = false
        public var tlsCert: String?
        public var tlsKey: String?
        public init() {}
    }

    let options: Options
    let io: SystemIO

    public init(options: Options, io: SystemIO) {
        self.options = options
        self.io = io
    }

    public func run() -> ExitStatus {
        guard let peer = options.peer else {
            guard case .written = StandardOutput(io.stdout).writeAll(PracticePeer.listing(), signalFD: -1) else { return .failure }
            return .success
        }
        let o = options
        var receiving: ReceiveFace.Rules?
        if peer == .receive {
            do {
                receiving = ReceiveFace.Rules(directory: try ReceiveDirectory(o.directory), overwrite: o.overwrite, keepPartial: o.keepPartial)
            } catch {
                Diagnostics(fd: io.stderr, verbose: false).error(error.description)
                return .failure
            }
        }
        var setup = RelayServer.Setup(host: o.host, port: o.port, family: o.family, numeric: o.numeric, verbose: o.verbose, json: o.json,
                                      filter: o.filter, maxConnections: o.maxConnections, dialTimeout: nil, interactive: o.interactive,
                                      mode: "serve \(peer.rawValue)", serves: peer.summary, policy: peer.summary)
        if receiving != nil { setup.bufferSize = ReceiveFace.readSize }
        var tlsWords = ""
        var tlsFields: [(String, JSONValue)] = []
        if o.tls {
            let context: TLSContext
            do {
                context = try TLSContext(serverWith: o.tlsCert, keyFile: o.tlsKey, keepingKeyLog: false)
            } catch {
                Diagnostics(fd: io.stderr, verbose: false).error(error.description)
                return .failure
            }
            let clock = io.monotonic
            setup.makeStream = { fd in
                TLSStream.make(lower: PlainStream(fd: fd), settings: TLSStream.Settings(context: context, handshakeLimit: 10, clock: clock))
            }
            tlsWords = "; over TLS, " + context.certificateWords(temporary: o.tlsCert == nil)
            tlsFields = [("tls_sha256", .string(context.fingerprint))]
        }
        let server = RelayServer(setup, io: io)
        return server.run(readiness: { local in
            SessionEvent("listening", SessionEvent.place(host: local.numericHost, port: local.port) + [("peer", .string(peer.rawValue))] + tlsFields,
                         text: "Serving \(peer.rawValue) on \(local.host(numeric: o.numeric).terminalSafe) \(local.port): "
                             + (receiving.map { "files into \($0.directory.path.terminalSafe)" } ?? peer.summary) + tlsWords)
        }) { say, _ in
            if let receiving { return ReceiveFace(rules: receiving, clock: io.monotonic, say: say) }
            return ServeFace(peer: peer, clock: io.monotonic, wallClock: io.wallClock, say: say)
        }
    }
}
