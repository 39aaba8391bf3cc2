/// `/filter EXPR` in the screen: words that narrow the system's sockets, all of which must hold.
/// `tcp`, `udp`, `4`, `6`, `listen`, a state name (`time_wait`, `UNCONN`), a port (`8080` or
/// `:8080`), or any other text, matched against either address.
public struct TableFilter: Sendable, Equatable {
    public var states = StatesFilter()
    public var texts: [String] = []
    public let expression: String

    public init() { expression = "" }

    public init(_ expression: String) throws(UsageError) {
        self.expression = expression
        for word in expression.split(separator: " ") {
            let lower = word.lowercased()
            switch lower {
            case "tcp": states.tcp = true
            case "udp": states.udp = true
            case "4", "ipv4", "-4": states.ipv4Only = true
            case "6", "ipv6", "-6": states.ipv6Only = true
            case "listen", "listening", "-l": states.listening = true
            default:
                let digits = lower.hasPrefix(":") ? lower.dropFirst() : lower[...]
                if !digits.isEmpty, digits.allSatisfy(\.isNumber) {
                    guard let port = UInt16(digits) else { throw UsageError("not a port: \(word)") }
                    if states.port != nil && states.port != port {
                        throw UsageError("one port at a time (\(states.port ?? 0) and \(port))")
                    }
                    states.port = port
                } else if let named = StatesFilter.states(named: String(word)) {
                    states.states.formUnion(named)
                } else {
                    texts.append(lower)
                }
            }
        }
        if states.ipv4Only && states.ipv6Only { throw UsageError("a socket cannot be both IPv4 and IPv6") }
    }

    public var isEmpty: Bool { expression.split(separator: " ").isEmpty }

    public func matches(_ entry: SocketEntry) -> Bool {
        guard states.matches(entry) else { return false }
        if texts.isEmpty { return true }
        let haystack = (entry.local.description + " " + entry.remote.description).lowercased()
        return texts.allSatisfy { haystack.contains($0) }
    }
}
