/// Turns what OpenSSL's message callback saw, in its order, into records with their places in
/// each direction's byte stream. Every record passes the callback as its header first (both
/// when written and when read), then its protected content type (TLS 1.3), then the messages
/// completed in it — so a message or an alert belongs to the last header seen in its
/// direction, and a record starts where the one before it ended.
public struct TLSRecordReader: Sendable {
    public enum Event: Sendable, Equatable {
        /// The 5-byte header: type, version (2 bytes), length (2 bytes).
        case header(type: UInt8, length: Int)
        case inner(UInt8)
        /// A handshake message's type; `retry`: a ServerHello that is a HelloRetryRequest.
        case handshake(UInt8, retry: Bool = false)
        case alert(level: UInt8, description: UInt8)
    }

    /// Where the next record starts, per direction (sent, received).
    var next = [0, 0]
    /// The record each direction last saw, still open to its messages.
    var open: [TLSRecord?] = [nil, nil]
    /// Whether each direction has sent ChangeCipherSpec.
    var changedCipher = [false, false]
    /// Once an event was lost, offsets are unknown: nothing more is told (rather than misplaced).
    public private(set) var lost = false

    public init() {}

    /// Takes one event; returns the record it began or added to, as it stands now (a record is
    /// told again, same offset, each time it learns more: a ladder replaces what it showed).
    public mutating func take(_ event: Event, sent: Bool) -> TLSRecord? {
        guard !lost else { return nil }
        let side = sent ? 0 : 1
        switch event {
        case .header(let type, let length):
            open[side] = TLSRecord(ours: sent, offset: next[side], type: type, length: length)
            open[side]?.afterChangeCipherSpec = changedCipher[side]
            if type == TLSNames.changeCipherSpec { changedCipher[side] = true }
            next[side] += 5 + length
        case .inner(let type):
            open[side]?.inner = type
        case .handshake(let type, let retry):
            open[side]?.contents.append(retry ? "HelloRetryRequest" : TLSNames.handshakeMessage(type))
        case .alert(let level, let description):
            open[side]?.contents.append(TLSNames.alert(level: level, description: description))
        }
        return open[side]
    }

    /// Events were dropped: later offsets cannot be known.
    public mutating func markLost() { lost = true }
}
