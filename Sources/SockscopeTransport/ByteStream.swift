import Glibc
import SockscopeCore

/// A connection's bytes as the engine moves them (issue 21's seam): the engine sends, receives
/// and ends sending through its connection's stream, and polls the descriptor for what the
/// stream says it needs; a stage (TLS, a proxy's negotiation, a program's pipes) is a stream
/// wrapping the one below, and nothing else in the engine changes for it. The plain stage is the
/// socket itself; only it lets the kernel move the bytes (splice).
public protocol ByteStream: AnyObject {
    /// Sends up to `count` bytes: how many went, or -1 with errno (EAGAIN: poll for `events`).
    func send(_ bytes: UnsafeRawPointer, count: Int) -> Int
    /// Receives up to `count` bytes: how many, 0 at the end of the peer's stream, or -1 with errno.
    func receive(into buffer: UnsafeMutableRawPointer, count: Int) -> Int
    /// Nothing more will be sent (TCP: a FIN).
    func finishSending()
    /// What to poll the descriptor for, when the engine wants to read and/or to write: a stage
    /// may need the other direction first (a handshake's reply, a record to flush).
    func events(reading: Bool, writing: Bool) -> Int32
    /// Bytes already received and decoded, readable without waiting on the descriptor.
    var buffered: Int { get }
    /// Whether the kernel may move the received bytes itself (splice): nothing decodes them.
    var splicable: Bool { get }
    /// Moves what the stage must move without the engine's bytes (a handshake, records owed to
    /// the socket), every round; false once the stage has failed (`failure` says why).
    func advance() -> Bool
    /// Why the stage failed (a TLS handshake's verification …), said to the user in one line.
    var failure: String? { get }
    /// What the stage has to tell since the last call (a handshake done, how the peer ended),
    /// for -v lines, --json and the screen's conversation.
    func takeNotes() -> [StageNote]
    /// The TLS records that passed since the last call, or more of one already told (the same
    /// offset), for the ladder; none from a stage that has no records.
    func takeRecords() -> [TLSRecord]
    /// What the stage agreed on, in a few words for a header (nil: nothing, or not yet).
    var summary: String? { get }
    /// Which way the bytes go past the socket's peer (`via 127.0.0.1:1080 (SOCKS5) to
    /// example.org:443`), told through every stage above the proxy's; nil: straight there.
    var route: String? { get }
    /// A TLS stage's facts for the /tls overlay (nil: no TLS here).
    var tlsFacts: TLSFacts? { get }
    /// When the stage must have made progress by (a handshake's limit), on the engine's clock:
    /// the loop wakes then and `advance` fails the stage if it has not.
    var deadline: Double? { get }
    /// Bytes the stage itself sent and received on the wire before the ones it passes (a proxy's
    /// negotiation): a stage above counts its own places in the stream from there.
    var ownBytes: (sent: Int, received: Int) { get }
    /// Whether the stage passes the engine's bytes yet (a proxy's tunnel opens after its
    /// negotiation); a stage above waits for it.
    var ready: Bool { get }
    /// Whether the stage still holds bytes for the socket (records written, not yet sent): the
    /// connection is not closed before they have gone, or they would be lost.
    var owes: Bool { get }
}

extension ByteStream {
    /// What `send` and `receive` return once the stage has failed (`failure` says why).
    static func failed() -> Int {
        errno = EPROTO
        return -1
    }

    public var owes: Bool { false }
    public var ready: Bool { true }
    public var ownBytes: (sent: Int, received: Int) { (0, 0) }
    public func takeNotes() -> [StageNote] { [] }
    public func takeRecords() -> [TLSRecord] { [] }
    public var summary: String? { nil }
    public var route: String? { nil }
    public var tlsFacts: TLSFacts? { nil }
    public var deadline: Double? { nil }
}

/// The socket itself: what the engine did before there were stages.
public final class PlainStream: ByteStream {
    let fd: Int32
    /// A peer of an unconnected datagram socket: replies go out with sendto().
    let replyTo: SocketAddress?

    public init(fd: Int32, replyTo: SocketAddress? = nil) {
        self.fd = fd
        self.replyTo = replyTo
    }

    public func send(_ bytes: UnsafeRawPointer, count: Int) -> Int { Socket.send(fd, bytes, count: count, to: replyTo) }

    public func receive(into buffer: UnsafeMutableRawPointer, count: Int) -> Int { recv(fd, buffer, count, 0) }

    public func finishSending() { shutdown(fd, Int32(SHUT_WR)) }

    public func events(reading: Bool, writing: Bool) -> Int32 { (reading ? POLLIN : 0) | (writing ? POLLOUT : 0) }

    public var buffered: Int { 0 }

    public var splicable: Bool { true }

    public func advance() -> Bool { true }

    public var failure: String? { nil }
}

/// What a stage tells: its words (-v, the screen) and what they mean (--json). Both as they
/// came — a proxy's status line, a peer's ALPN may hold anything: whoever shows them escapes them.
public struct StageNote: Sendable, Equatable {
    public enum Meaning: Sendable, Equatable {
        /// A TLS handshake done: what was agreed and verified.
        case tlsHandshake(version: String, cipher: String, alpn: String?, verification: String)
        /// How the peer's side of a TLS stream ended: `close_notify`, `truncated` (no
        /// close_notify before the FIN) or `reset`.
        case tlsEnding(String)
        /// A proxy's negotiation done: which proxy (`host:port`), its protocol, what passed,
        /// and how long it took.
        case proxy(address: String, type: String, detail: String, seconds: Double)
        case other
    }

    public var text: String
    public var meaning: Meaning

    public init(_ text: String, meaning: Meaning = .other) {
        self.text = text
        self.meaning = meaning
    }
}
