/// What -v says of a session, written once for both of its forms: nc's words, and with --json an
/// object on a line of its own (`{"kind":"connected","time":…,…}`) for scripts. An event nc says
/// nothing of (`text` nil) is still told in JSON.
public struct SessionEvent {
    public var kind: String
    public var fields: [(String, JSONValue)]
    public var text: String?

    public init(_ kind: String, _ fields: [(String, JSONValue)] = [], text: String?) {
        self.kind = kind
        self.fields = fields
        self.text = text
    }

    public func json(wallTime: Double) -> String {
        JSONValue.object([("kind", .string(kind)), ("time", .seconds(wallTime))] + fields).text
    }

    /// An endpoint's fields: a Unix path, or an address and a port.
    public static func place(host: String, port: UInt16?) -> [(String, JSONValue)] {
        guard let port else { return [("path", .string(host))] }
        return [("address", .string(host)), ("port", .int(Int(port)))]
    }
}
