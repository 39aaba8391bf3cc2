/// `/filter EXPR` in the screen: words that narrow the table and the log, all of which must
/// hold. As ss spells them: `tcp`, `udp`, `4`, `6`, `listen`, a state (`estab`, `close-wait`,
/// `time_wait`, `SYN-RECEIVED`, `UNCONN`), a port (`8080`, `:8080`), `sport :80` or `dport = 443`
/// for one end's port; an address or part of one (`127.0.0.1`, `::1`, `10.0.`); or the name of a
/// process that owns a shown socket. A word that is none of these is refused with the reason,
/// rather than silently matching nothing.
public struct TableFilter: Sendable, Equatable {
    public var states = StatesFilter()
    public var texts: [String] = []
    public var processes: [String] = []
    public var localPort: UInt16?
    public var remotePort: UInt16?
    public let expression: String

    public init() { expression = "" }

    /// `knownProcesses`: the commands that own the sockets shown (what a process word may name).
    public init(_ expression: String, knownProcesses: Set<String> = []) throws(UsageError) {
        self.expression = expression
        var words = expression.split(separator: " ").map(String.init)[...]
        while let word = words.popFirst() {
            let lower = word.lowercased()
            switch lower {
            case "tcp": states.tcp = true
            case "udp": states.udp = true
            case "4", "ipv4", "-4", "inet": states.ipv4Only = true
            case "6", "ipv6", "-6", "inet6": states.ipv6Only = true
            case "listen", "listening", "-l": states.listening = true
            case "sport", "dport", "src", "dst":
                // ss: `sport = :80`, `sport :80`, `dport eq 443`.
                if let next = words.first, ["=", "==", "eq"].contains(next) { words.removeFirst() }
                guard let value = words.popFirst(), let port = Self.port(value) else {
                    throw UsageError("\(lower) needs a port, as in '\(lower) :8080'")
                }
                if lower == "sport" || lower == "src" { localPort = port } else { remotePort = port }
            default:
                if let port = Self.port(lower) {
                    if states.port != nil && states.port != port {
                        throw UsageError("one port at a time (\(states.port ?? 0) and \(port)); sport and dport name one end each")
                    }
                    states.port = port
                } else if lower.allSatisfy(\.isNumber) || (lower.hasPrefix(":") && lower.dropFirst().allSatisfy(\.isNumber)) {
                    throw UsageError("not a port: \(word) (0 to 65535)")
                } else if let named = Self.states(named: lower) {
                    states.states.formUnion(named)
                } else if Self.looksLikeAddress(lower) {
                    texts.append(lower)
                } else if knownProcesses.contains(where: { $0.lowercased() == lower }) {
                    processes.append(lower)
                } else {
                    throw UsageError("'\(word)' matches nothing: not a state (estab, close-wait, time-wait…), a port "
                                     + "(8080, sport :80), tcp/udp, 4/6, an address, nor a process owning a shown socket"
                                     + (knownProcesses.isEmpty ? " (F3 shows every socket and its process)" : ""))
                }
            }
        }
        if states.ipv4Only && states.ipv6Only { throw UsageError("a socket cannot be both IPv4 and IPv6") }
    }

    /// `8080` or `:8080`, within 0…65535.
    static func port(_ word: String) -> UInt16? {
        let digits = word.hasPrefix(":") ? word.dropFirst() : word[...]
        guard !digits.isEmpty, digits.allSatisfy(\.isNumber) else { return nil }
        return UInt16(digits)
    }

    /// States by any spelling ss, the kernel or RFC 9293 uses.
    static func states(named word: String) -> Set<SocketState>? {
        let aliases = ["closed": "close", "syn-received": "syn_recv", "syn_received": "syn_recv", "connected": "established"]
        return StatesFilter.states(named: aliases[word] ?? word)
    }

    /// Digits, dots and colons (and the brackets of `[::1]`): part of an address.
    static func looksLikeAddress(_ word: String) -> Bool {
        word.contains { $0 == "." || $0 == ":" } && word.allSatisfy { $0.isHexDigit || ".:[]".contains($0) }
    }

    public var isEmpty: Bool { expression.split(separator: " ").isEmpty }

    public func matches(_ entry: SocketEntry, owner: StatesTable.Owner? = nil) -> Bool {
        guard states.matches(entry) else { return false }
        if let localPort, entry.local.port != localPort { return false }
        if let remotePort, entry.remote.port != remotePort { return false }
        if !processes.isEmpty {
            guard let command = owner?.command.lowercased(), processes.contains(command) else { return false }
        }
        if texts.isEmpty { return true }
        let haystack = (entry.local.description + " " + entry.remote.description).lowercased()
        return texts.allSatisfy { haystack.contains($0) }
    }
}
