import CTLS
import Glibc
import SockscopeCore

/// TLS as a stage of a connection's stream (issue 21): OpenSSL reads and writes memory, this
/// stage moves the bytes between it and the socket below, in the engine's loop, never blocking.
/// The handshake starts at once (a client's ClientHello leaves when the stage is made) and goes
/// on as the peer's records arrive; plaintext is read and written once it is done.
public final class TLSStream: ByteStream {
    /// What a run's connections share (`TLSContext`) and what is this connection's.
    public struct Settings {
        public var context: TLSContext
        /// A client's: sent as SNI and, when verifying, checked against the certificate.
        public var servername: String?
        /// Where the session's secrets are appended (--keylog, SSLKEYLOGFILE).
        public var keyLog: OutputFile?
        /// How long the handshake may take, on `clock` (the engine's): a peer that starts one
        /// and never finishes it (a flood of ClientHellos against -k) does not hold its slot.
        public var handshakeLimit: Double
        public var clock: () -> Double
        /// Whether each record is told (`takeRecords`), for the screen's ladder.
        public var records: Bool
        /// Where the session's key-log lines go besides the key log (--pcap's pcapng), and
        /// who is told that a handshake begins (true) and has ended (false).
        public var secrets: (([String]) -> Void)?
        public var handshaking: ((Bool) -> Void)?

        public init(context: TLSContext, servername: String? = nil, keyLog: OutputFile? = nil, handshakeLimit: Double = 10,
                    records: Bool = false, secrets: (([String]) -> Void)? = nil, handshaking: ((Bool) -> Void)? = nil,
                    clock: @escaping () -> Double) {
            self.context = context
            self.servername = servername
            self.keyLog = keyLog
            self.handshakeLimit = handshakeLimit
            self.records = records
            self.secrets = secrets
            self.handshaking = handshaking
            self.clock = clock
        }
    }

    /// How the peer's side ended: its close_notify, or the connection's end without one (a
    /// truncation: the peer, or something between, cut the stream).
    public enum Ending: Sendable { case closeNotify, truncated }

    /// The stage below: the socket itself, or a proxy's tunnel to the target.
    let lower: any ByteStream
    let session: OpaquePointer
    /// Ciphertext owed to the socket, from `sentOffset`.
    var toSocket: [UInt8] = []
    var sentOffset = 0
    var scratch = [UInt8](repeating: 0, count: 17 * 1024)
    /// The last read wanted more of a record than the stage holds: wait for the socket.
    var partial = false
    /// The last write wanted the peer's records first: wait for them, not for POLLOUT.
    var writeWantsRead = false
    var socketEnded = false
    /// The engine is done sending (`finishSending`); our close_notify is queued, and the FIN
    /// follows once it has gone.
    var closeWanted = false
    var closing = false
    var finSent = false
    /// The socket below failed (a reset, EPIPE): every later call says so, as the socket would.
    /// A reset is the third way a peer's side can end, told apart from the other two.
    var socketError: Int32? {
        didSet {
            guard oldValue == nil, socketError == ECONNRESET, ending == nil else { return }
            notes.append(StageNote("TLS: the peer reset the connection (RST) without a close_notify: what it sent last may be lost",
                                   meaning: .tlsEnding("reset")))
        }
    }
    public private(set) var handshakeDone = false
    /// Why TLS failed, in its own words; `failure` says it with its stage's name, or the
    /// stage below's failure.
    var stageFailure: String?
    public var failure: String? { lower.failure ?? stageFailure.map { "TLS: " + $0 } }
    public private(set) var ending: Ending? {
        didSet {
            guard oldValue == nil, let ending else { return }
            notes.append(ending == .closeNotify
                ? StageNote("TLS: the peer ended with close_notify", meaning: .tlsEnding("close_notify"))
                : StageNote("TLS: the connection ended without the peer's close_notify: what it sent may be cut short",
                            meaning: .tlsEnding("truncated")))
        }
    }
    let settings: Settings
    var notes: [StageNote] = []
    var keyLogFailed = false

    /// Ciphertext held back from the socket before more plaintext is taken (a slow peer's
    /// backpressure reaches the engine as EAGAIN, as a full socket buffer would).
    static let owedLimit = 256 * 1024
    /// Received ciphertext not yet decrypted, at most (the socket keeps the rest).
    static let incomingLimit = 64 * 1024

    /// TLS over `lower`: the socket, or a proxy's tunnel (the handshake goes out once it is open).
    public init(lower: any ByteStream, settings: Settings) throws(TransportError) {
        self.lower = lower
        var error = [CChar](repeating: 0, count: 256)
        guard let made = ctls_session_new(settings.context.context, settings.servername, &error, error.count) else {
            throw TransportError("TLS: \(TLSContext.text(error))")
        }
        session = made
        self.settings = settings
        startedAt = settings.clock()
        if settings.records && ctls_keep_records(made) == 1 { recordReader = TLSRecordReader() }
        if let handshaking = settings.handshaking {
            handshaking(true)
            handshakeHeld = true
        }
        _ = advance()
    }

    /// The handshake's steps as our end saw them, from TCP connected (the stage made) on.
    lazy var steps: [TLSFacts.Step] = [TLSFacts.Step("TCP connected", at: startedAt)]

    /// The records seen so far and not taken (updates of a record replace it: same offset).
    var records: [TLSRecord] = []
    var recordReader: TLSRecordReader?
    /// Where the callback's events are copied, made once.
    var recordEvents = [ctls_record_event](repeating: ctls_record_event(), count: 64)

    public func takeRecords() -> [TLSRecord] {
        collectRecords()
        // Over a stage with bytes of its own (a proxy's negotiation), the records start where
        // those end in each direction — known once that stage is open: until then they wait
        // (the ClientHello is made before the proxy has answered).
        let below = lower.takeRecords()
        guard lower.ready else { return below }
        defer { records.removeAll(keepingCapacity: true) }
        let before = lower.ownBytes
        guard before.sent + before.received > 0 else { return below + records }
        return below + records.map { record in
            var shifted = record
            shifted.offset += record.ours ? before.sent : before.received
            return shifted
        }
    }

    /// What OpenSSL's message callback kept, read after each step (its queue is bounded).
    func collectRecords() {
        guard recordReader != nil else { return }
        var lost = 0
        while true {
            let taken = ctls_take_records(session, &recordEvents, recordEvents.count, &lost)
            if lost > 0 && recordReader?.lost == false {
                recordReader?.markLost()
                notes.append(StageNote("TLS: \(lost) record events did not fit in their queue: the ladder names no more records"))
            }
            for event in recordEvents.prefix(taken) { read(event) }
            if taken < recordEvents.count { break }
        }
        // Nobody taking them (a ladder not shown): the oldest go.
        if records.count > 4096 { records.removeFirst(records.count - 2048) }
    }

    func read(_ event: ctls_record_event) {
        let bytes = event.bytes
        let told: TLSRecordReader.Event
        switch Int32(event.kind) {
        case Int32(CTLS_RECORD_HEADER): told = .header(type: bytes.0, length: Int(bytes.3) << 8 | Int(bytes.4))
        case Int32(CTLS_RECORD_INNER): told = .inner(bytes.0)
        case Int32(CTLS_RECORD_HANDSHAKE): told = .handshake(bytes.0, retry: bytes.1 == 1)
        case Int32(CTLS_RECORD_ALERT): told = .alert(level: bytes.0, description: bytes.1)
        default: return
        }
        noteStep(told, sent: event.sent != 0)
        guard let record = recordReader?.take(told, sent: event.sent != 0) else { return }
        if let index = records.lastIndex(where: { $0.ours == record.ours }), records[index].offset == record.offset {
            records[index] = record
        } else {
            records.append(record)
        }
    }

    /// Bytes were fed since the handshake last wanted more (true at first: a client's
    /// ClientHello leaves on the first step).
    var handshakeMayMove = true

    /// When the handshake began (the stage was made).
    let startedAt: Double

    public var deadline: Double? {
        // Asked every round for every connection: no array made.
        let own = handshakeDone || failure != nil ? nil : startedAt + settings.handshakeLimit
        guard let below = lower.deadline else { return own }
        return own.map { min($0, below) } ?? below
    }

    public var owes: Bool { socketError == nil && sentOffset < toSocket.count }

    public var route: String? { lower.route }

    public var summary: String? {
        let own = handshakeDone ? "\(version) \(cipher)" : nil
        let parts = [lower.summary, own].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: " · ")
    }

    public func takeNotes() -> [StageNote] {
        defer { notes.removeAll() }
        return lower.takeNotes() + notes
    }

    deinit {
        endHandshakeHold()
        ctls_free(session)
    }

    /// Whether `handshaking(true)` was said and `handshaking(false)` not yet.
    var handshakeHeld = false

    func endHandshakeHold() {
        guard handshakeHeld else { return }
        handshakeHeld = false
        settings.handshaking?(false)
    }

    public var version: String { String(cString: ctls_version(session)) }
    /// The name a client asked for (SNI), on our server's side.
    public var requestedName: String { String(cString: ctls_requested_name(session)) }
    /// The application protocol ALPN agreed on, if any.
    public var alpn: String? {
        var buffer = [CChar](repeating: 0, count: 257)
        return ctls_alpn(session, &buffer, buffer.count) > 0 ? TLSContext.text(buffer) : nil
    }
    /// The subject of the certificate the peer presented, if any.
    public var peerSubject: String? {
        var buffer = [CChar](repeating: 0, count: 512)
        return ctls_peer_subject(session, &buffer, buffer.count) > 0 ? TLSContext.text(buffer) : nil
    }
    public var cipher: String { String(cString: ctls_cipher(session)) }

    public func advance() -> Bool {
        defer {
            writeKeyLog()
            // After the secrets: what was held back while the handshake ran goes out after them.
            if handshakeDone || failure != nil { endHandshakeHold() }
        }
        // The stage below moves first (a proxy's negotiation); its failure is this stream's.
        guard failure == nil, lower.advance() else { return false }
        if !handshakeDone && settings.clock() >= startedAt + settings.handshakeLimit {
            stageFailure = "handshake failed: not done within \(Seconds.text(settings.handshakeLimit)) s"
            return false
        }
        // The handshake moves only on the peer's bytes (our own go to memory, never blocked):
        // with nothing fed since it last wanted more, another step would only say so again.
        if !handshakeDone && handshakeMayMove {
            handshakeMayMove = false
            switch ctls_handshake(session) {
            case Int32(CTLS_DONE):
                handshakeDone = true
                let agreed = alpn.map { ", ALPN \($0)" } ?? ""
                let verification = settings.context.handshakeWords(requested: requestedName, sent: settings.servername, peer: peerSubject)
                notes.append(StageNote("TLS: \(version), \(cipher)\(agreed), \(verification)",
                                       meaning: .tlsHandshake(version: version, cipher: cipher, alpn: alpn, verification: verification)))
            case Int32(CTLS_WANT): break
            default:  // its alert still leaves, below
                let reason = String(cString: ctls_failure(session))
                stageFailure = reason.hasPrefix("certificate") ? reason : "handshake failed: \(reason)"
                // A refused certificate is still shown (-v, --json, the screen): what was sent.
                if reason.hasPrefix("certificate") {
                    for (depth, certificate) in Self.chain(session, verified: false).enumerated() {
                        notes.append(StageNote("TLS: certificate \(depth) as sent: \(certificate.words)"))
                    }
                }
            }
        }
        closeIfWanted()
        flush()
        return failure == nil
    }

    /// The secrets OpenSSL gave since, appended to the key log (a failed write is said once)
    /// and handed to `secrets`.
    func writeKeyLog() {
        guard settings.keyLog != nil || settings.secrets != nil else { return }
        var line = [CChar](repeating: 0, count: 512)
        var taken: [String] = []
        while case let count = ctls_take_keylog(session, &line, line.count), count > 0 {
            let bytes = line.prefix(count).map { UInt8(bitPattern: $0) }
            taken.append(String(decoding: bytes, as: UTF8.self))
            if let file = settings.keyLog, case .failed(let code) = file.write(bytes + [0x0A]), !keyLogFailed {
                keyLogFailed = true
                notes.append(StageNote("TLS: \(file.describe(code)); the secrets are not logged"))
            }
        }
        if !taken.isEmpty { settings.secrets?(taken) }
    }

    /// Sends what OpenSSL wrote, as much as the socket takes now; our FIN once our close_notify
    /// has gone.
    func flush() {
        let owed = ctls_outgoing(session)
        if owed > 0 {
            let start = toSocket.count
            toSocket += [UInt8](repeating: 0, count: owed)
            let taken = toSocket.withUnsafeMutableBytes { raw in
                raw.baseAddress.map { Int(ctls_take(session, $0 + start, owed)) } ?? 0
            }
            toSocket.removeLast(owed - taken)
        }
        while sentOffset < toSocket.count && socketError == nil {
            let n = toSocket.withUnsafeBytes { raw in
                raw.baseAddress.map { lower.send($0 + sentOffset, count: raw.count - sentOffset) } ?? -1
            }
            if n > 0 {
                sentOffset += n
                continue
            }
            if n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR { socketError = errno }
            break
        }
        if sentOffset == toSocket.count {
            toSocket.removeAll(keepingCapacity: true)
            sentOffset = 0
        }
        if closing && !finSent && toSocket.isEmpty {
            lower.finishSending()
            finSent = true
        }
    }

    public func send(_ bytes: UnsafeRawPointer, count: Int) -> Int {
        guard advance() else { return Self.failed() }
        if let socketError {
            errno = socketError
            return -1
        }
        guard handshakeDone, toSocket.count - sentOffset < Self.owedLimit else {
            errno = EAGAIN
            return -1
        }
        let n = ctls_write(session, bytes, min(count, 16 * 1024))
        guard n > 0 else {
            // OpenSSL may want the peer's records first (a key update): not a failure; the
            // write waits for the socket to be readable, not writable (which it always is).
            if n == Int32(CTLS_WANT) {
                writeWantsRead = true
                errno = EAGAIN
                return -1
            }
            stageFailure = String(cString: ctls_failure(session))
            return Self.failed()
        }
        flush()
        return Int(n)
    }

    public func receive(into buffer: UnsafeMutableRawPointer, count: Int) -> Int {
        // The socket is read only when OpenSSL has nothing it could hand out without it: no
        // decrypted bytes, no whole record waiting (else a read costs a recv() that says EAGAIN).
        // A handshake that wanted more wants the socket.
        let needsSocket = !handshakeDone || ctls_pending(session) == 0 && (ctls_incoming(session) == 0 || partial)
        if needsSocket && !socketEnded && ctls_incoming(session) < Self.incomingLimit {
            let n = scratch.withUnsafeMutableBytes { raw in
                raw.baseAddress.map { lower.receive(into: $0, count: raw.count) } ?? -1
            }
            if n > 0 {
                scratch.withUnsafeBytes { raw in _ = raw.baseAddress.map { ctls_feed(session, $0, n) } }
                handshakeMayMove = true
                partial = false
                writeWantsRead = false
            } else if n == 0 {
                socketEnded = true
            } else if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
                socketError = errno
                return -1  // a reset: the socket's own errno
            }
        }
        guard advance() else { return Self.failed() }
        if let socketError, ctls_pending(session) == 0 {
            errno = socketError
            return -1
        }
        guard handshakeDone else {
            if socketEnded {
                stageFailure = "handshake failed: the peer closed the connection"
                return Self.failed()
            }
            errno = EAGAIN
            return -1
        }
        let n = ctls_read(session, buffer, count)
        if n > 0 { return Int(n) }
        switch n {
        case Int32(CTLS_CLOSED):
            ending = .closeNotify
            return 0
        case Int32(CTLS_WANT):
            if socketEnded && ctls_incoming(session) == 0 || socketEnded && partial {
                ending = .truncated
                return 0
            }
            partial = ctls_incoming(session) > 0
            errno = EAGAIN
            return -1
        default:
            stageFailure = String(cString: ctls_failure(session))
            return Self.failed()
        }
    }

    /// Our end of sending: close_notify, then the FIN — once the handshake is done (a listener
    /// whose input ended before its client arrived still shows it the certificate first).
    public func finishSending() {
        closeWanted = true
        closeIfWanted()
    }

    func closeIfWanted() {
        guard closeWanted, !closing, handshakeDone || failure != nil else { return }
        closing = true
        if failure == nil { ctls_close_notify(session) }
        flush()
    }

    public func events(reading: Bool, writing: Bool) -> Int32 {
        // A stage below still opening (a proxy) asks for what its negotiation needs.
        if !lower.ready { return lower.events(reading: true, writing: false) }
        var events: Int32 = sentOffset < toSocket.count && socketError == nil ? POLLOUT : 0
        if !handshakeDone || reading || writeWantsRead { events |= POLLIN }
        if writing && handshakeDone && !writeWantsRead { events |= POLLOUT }
        return events
    }

    /// Decrypted bytes waiting, or whole records received and not read yet.
    public var buffered: Int {
        Int(ctls_pending(session)) + (ctls_incoming(session) > 0 && !partial ? 1 : 0) + (lower.buffered > 0 ? 1 : 0)
    }

    public var splicable: Bool { false }

}

/// A stream whose stage could not be set up: the connection ends at once with the reason.
public final class UnusableStream: ByteStream {
    public let failure: String?

    public init(_ reason: String) { failure = reason }

    public func send(_ bytes: UnsafeRawPointer, count: Int) -> Int { Self.failed() }
    public func receive(into buffer: UnsafeMutableRawPointer, count: Int) -> Int { Self.failed() }
    public func finishSending() {}
    public func events(reading: Bool, writing: Bool) -> Int32 { 0 }
    public var buffered: Int { 0 }
    public var splicable: Bool { false }
    public func advance() -> Bool { false }
}

extension TLSStream {
    /// The stage for a new connection, or one that ends it with the reason it could not be made.
    public static func make(lower: any ByteStream, settings: Settings) -> ByteStream {
        do {
            return try TLSStream(lower: lower, settings: settings)
        } catch {
            return UnusableStream(error.description)
        }
    }
}
