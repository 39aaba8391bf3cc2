import Glibc
import SockscopeCore
import SockscopeTransport

/// `sockscope send FILE HOST PORT` (issue 24): the sending end of `FileTransfer`. The file's name
/// and size go first; after the receiver's OK its content, hashed as it is read (one pass over
/// the file); then the receiver's SHA-256 is compared with ours. Exit 0 only when they agree.
/// Progress on standard error (a terminal, or --progress); the result on standard output.
public struct SendMode {
    public struct Options {
        public var path = ""
        /// The name it is sent under (default: the path's last component).
        public var name: String?
        public var host = ""
        public var port: UInt16 = 0
        public var family: NetcatOptions.Family = .any
        public var numeric = false
        /// -w: the connect, and each wait for the receiver's answer.
        public var timeout: Double?
        /// nil: progress when standard error is a terminal.
        public var progress: Bool?
        public var json = false
        public var verbose = false
        /// --tls: the transfer inside TLS, the receiver's certificate verified unless told not to.
        public var tls: TLSClientChoice?
        /// -x: dialed through these proxies, in order.
        public var proxy = ProxyChoice()
        public init() {}
    }

    let options: Options
    let io: SystemIO

    public init(options: Options, io: SystemIO) {
        self.options = options
        self.io = io
    }

    /// Why the transfer stopped, said in one line (or a signal).
    enum Stop: Error {
        case failed(String)
        case signal(Int32)
    }

    /// The bytes read from the file and sent at a time.
    static let chunk = 256 << 10

    public func run() -> ExitStatus {
        signal(SIGPIPE, SIG_IGN)
        let log = Diagnostics(fd: io.stderr, verbose: options.verbose)
        let signalFD = io.signalDescriptor(SystemIO.endingSignals)
        defer { if signalFD >= 0 { close(signalFD) } }
        do {
            return try send(signalFD: signalFD, log: log)
        } catch {
            switch error {
            case .failed(let why):
                log.error(why)
                return .failure
            case .signal(let number):
                return .signal(number)
            }
        }
    }

    func send(signalFD: Int32, log: Diagnostics) throws(Stop) -> ExitStatus {
        let name = options.name ?? FileTransfer.baseName(options.path)
        guard FileTransfer.checkedName(Array(name.utf8)) != nil else {
            throw .failed("send: '\(name)' is not a plain file name (no '/', no control characters, at most \(FileTransfer.longestName) bytes): --as gives another")
        }
        let (file, size) = try openFile()
        defer { close(file) }
        // Through proxies, the socket goes to the first one and the stream asks for the target
        // (a name to resolve here is resolved before any dial).
        let proxied: ((Int32) -> any ByteStream)?
        do {
            proxied = try options.proxy.stage(host: options.host, port: options.port, family: options.family, numeric: options.numeric,
                                              timeout: options.timeout, clock: io.monotonic)
        } catch {
            throw .failed("send: \(error)")
        }
        let socket = try dial(signalFD: signalFD, log: log)
        defer { close(socket) }
        let wire = Wire(fd: socket, stream: try stream(socket, proxied: proxied), signalFD: signalFD, timeout: options.timeout)
        try wire.write(Array(FileTransfer.request(name: name, size: size).utf8))
        switch try wire.reply() {
        case .ok: break
        case .refused(let why): throw .failed("send: the receiver refused \(name): \(why)")
        case .error(let why): throw .failed("send: the receiver failed: \(why)")
        case .digest: throw .failed("send: the receiver answered a digest before the content")
        }
        guard let digest = SHA256Digest() else { throw .failed("send: no SHA-256 from OpenSSL") }
        let meter = ProgressMeter(fd: io.stderr, asked: options.progress, clock: io.monotonic)
        defer { meter?.abandon() }
        let started = io.monotonic()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunk, alignment: 16)
        defer { buffer.deallocate() }
        var sent = 0
        while sent < size {
            let want = min(Self.chunk, size - sent)
            let got = Glibc.read(file, buffer.baseAddress, want)
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else {
                throw .failed("send: \(options.path) " + (got == 0 ? "shrank while it was sent (\(sent) of \(size) bytes)"
                                                                    : "read failed: \(String(cString: strerror(errno)))"))
            }
            let bytes = UnsafeRawBufferPointer(rebasing: buffer[..<got])
            digest.update(bytes)
            // An early answer (ERR: the receiver's disk is full) stops the content.
            if try !wire.write(bytes, unlessAnswered: true) { break }
            sent += got
            meter?.update { TransferProgress.line(done: sent, total: size, seconds: meter?.seconds ?? 0) }
        }
        // Our end (TLS: close_notify, then the FIN): a receiver written with nc may read to it.
        if sent == size { wire.stream.finishSending() }
        let answer = try wire.reply()
        let seconds = io.monotonic() - started
        meter?.finish(TransferProgress.line(done: sent, total: size, seconds: seconds))
        guard let ours = digest.finish() else { throw .failed("send: no SHA-256 from OpenSSL") }
        switch answer {
        case .digest(let theirs) where theirs == ours:
            let event = SessionEvent("sent", [("name", .string(name)), ("bytes", .int(size)), ("sha256", .string(ours)),
                                              ("verified", .bool(true)), ("seconds", .seconds(seconds))],
                                     text: "sent \(name): \(size) bytes in \(DurationText.seconds(seconds)), SHA-256 \(ours), the receiver's the same")
            let line = options.json ? event.json(wallTime: io.wallClock()) : (event.text ?? "")
            return OutputLines.write(line + "\n", to: StandardOutput(io.stdout), signalFD: signalFD, log: log) ?? .success
        case .digest(let theirs):
            throw .failed("send: \(name) arrived changed: SHA-256 \(theirs) there, \(ours) here")
        case .error(let why):
            throw .failed("send: the receiver failed after \(sent) of \(size) bytes: \(why)")
        case .ok, .refused:
            throw .failed("send: the receiver answered out of turn after the content")
        }
    }

    /// The file, read-only, and its size: a regular file only (a FIFO has no size to promise and
    /// would block the open: O_NONBLOCK, then refused).
    func openFile() throws(Stop) -> (Int32, Int) {
        let fd = open(options.path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw .failed("send: \(options.path): \(String(cString: strerror(errno)))") }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw .failed("send: \(options.path): not a regular file (send reads files whose size it can tell first)")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
        return (fd, Int(info.st_size))
    }

    /// The socket itself, or the proxies' tunnel, and TLS over either (the negotiation and the
    /// handshake run as the request is written).
    func stream(_ socket: Int32, proxied: ((Int32) -> any ByteStream)?) throws(Stop) -> any ByteStream {
        let plain = proxied?(socket) ?? PlainStream(fd: socket)
        guard let choice = options.tls else { return plain }
        do {
            return try TLSStream(lower: plain, settings: choice.settings(host: options.host, handshakeLimit: options.timeout ?? 10, clock: io.monotonic))
        } catch {
            throw .failed("send: \(error.description)")
        }
    }

    /// Connected to the first of the host's addresses that answers, as nc dials.
    func dial(signalFD: Int32, log: Diagnostics) throws(Stop) -> Int32 {
        let (host, port) = options.proxy.dialed(host: options.host, port: options.port)
        let addresses: [SocketAddress]
        do {
            addresses = try Resolver.resolve(host: host, port: port, family: options.family, datagram: false,
                                             numeric: options.numeric, passive: false)
        } catch {
            throw .failed(error.description)
        }
        let dialer = Dialer(datagram: false, timeout: options.timeout, source: nil, sourcePort: nil, signalFD: signalFD)
        var last = "no address for \(host)"
        for address in addresses {
            switch dialer.connect(to: address) {
            case .success(let fd):
                log.info(NetcatWords.succeeded(typed: host, address: address.numericHost, port: port, proto: "tcp",
                                               service: options.numeric ? nil : Resolver.service(ofPort: port, datagram: false)))
                return fd
            case .failure(.refused(let error)):
                last = NetcatWords.connectFailed(typed: host, address: address.numericHost, port: port, proto: "tcp", reason: error.reason)
            case .failure(.timedOut):
                last = NetcatWords.connectTimedOut(typed: host, address: address.numericHost, port: port, proto: "tcp")
            case .failure(.interrupted(let signal)):
                throw .signal(signal)
            }
        }
        throw .failed(last)
    }
}
