/// One TLS record as it crossed the connection (issue 21's ladder): where its header starts in
/// its sender's byte stream, its type and length on the wire, and what it carried — handshake
/// messages and alerts by name, TLS 1.3's protected content included, since our own end knows it.
public struct TLSRecord: Sendable, Equatable {
    /// Sent by our end (else received from the peer).
    public var ours: Bool
    /// The header's first byte, counted from the stream's first byte (the one after the SYN):
    /// TCP's relative sequence number of it, less one.
    public var offset: Int
    /// The record's content type on the wire (23 for all of TLS 1.3's protected records).
    public var type: UInt8
    /// The record's length after the 5-byte header.
    public var length: Int
    /// The content type TLS 1.3 protects inside an application_data record; nil for a record
    /// sent in the clear (or TLS 1.2's).
    public var inner: UInt8?
    /// Handshake messages and alerts, by name, in order (`ClientHello`, `close_notify`).
    public var contents: [String] = []
    /// Its sender had sent ChangeCipherSpec before it: TLS 1.2 protects what follows.
    public var afterChangeCipherSpec = false
    /// Whose message it is: TLS's records, or a stage below them on the same stream (a proxy's
    /// negotiation: `SOCKS5`, `HTTP CONNECT`), whose messages are named the same way.
    public var layer = "TLS"

    public init(ours: Bool, offset: Int, type: UInt8, length: Int, inner: UInt8? = nil, contents: [String] = []) {
        self.ours = ours
        self.offset = offset
        self.type = type
        self.length = length
        self.inner = inner
        self.contents = contents
    }

    /// Whether the record's content was protected on the wire: TLS 1.3's inner type says so; in
    /// TLS 1.2 everything after its sender's ChangeCipherSpec is — but not TLS 1.3's second
    /// ClientHello, which follows the compatibility ChangeCipherSpec in the clear.
    public var encrypted: Bool {
        inner != nil || afterChangeCipherSpec && !contents.contains { $0 == "ClientHello" || $0 == "ServerHello" }
    }

    /// The type that says what the record holds: the protected one when there is one.
    public var effectiveType: UInt8 { inner ?? type }

    /// Whether the record is only application data: many of them in a row fold on the ladder.
    public var isApplicationData: Bool { layer == "TLS" && effectiveType == TLSNames.applicationData && contents.isEmpty }

    /// Words for a ladder (`ClientHello 512`, `EncryptedExtensions, Certificate (encrypted) 2100`): the contents
    /// when there are any, else the type; `(encrypted)` when TLS 1.3 protected a handshake or
    /// an alert; the length last.
    public var label: String {
        guard layer == "TLS" else { return contents.joined(separator: ", ") + " \(length)" }
        var text = contents.isEmpty ? TLSNames.contentType(effectiveType) : contents.joined(separator: ", ")
        if effectiveType == TLSNames.alert && contents.isEmpty { text = "Alert" }
        if encrypted && effectiveType != TLSNames.applicationData { text += " (encrypted)" }
        return text + " \(length)"
    }

    /// The records a segment carries, as the words beside its arrow: `TLS ClientHello 512`,
    /// `TLS ServerHello 90 + ChangeCipherSpec 1 + …`; a run of application data as one
    /// `4 ApplicationData records (65.6 KB)`.
    public static func label(of records: [TLSRecord]) -> String? {
        guard !records.isEmpty else { return nil }
        var parts: [String] = []
        var index = 0
        var layer = ""
        while index < records.count {
            // Each layer named where it starts: `SOCKS5 reply 10 + TLS ClientHello 306`.
            let named = records[index].layer == layer ? "" : records[index].layer + " "
            layer = records[index].layer
            var end = index
            while end < records.count && records[end].isApplicationData { end += 1 }
            if end - index > 1 {
                let bytes = records[index..<end].reduce(0) { $0 + $1.length }
                parts.append(named + "\(end - index) ApplicationData records (\(ByteCount.text(bytes)))")
                index = end
            } else {
                parts.append(named + records[index].label)
                index += 1
            }
        }
        return parts.joined(separator: " + ")
    }
}
