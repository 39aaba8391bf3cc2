/// `--allow` and `--deny` on a listener: addresses and prefixes (`127.0.0.1`, `10.0.0.0/8`,
/// `::1`, `fe80::/10`), comma-separated, or read from a file (one a line, `#` comments). A
/// client is refused when --deny names it, or when --allow is given and does not.
public struct AddressFilter: Sendable, Equatable {
    public struct Prefix: Sendable, Equatable {
        public var address: IPAddress
        public var bits: Int

        public func contains(_ candidate: IPAddress) -> Bool {
            guard candidate.isIPv6 == address.isIPv6 else { return false }
            let a = candidate.bytes, b = address.bytes
            var left = bits
            for index in a.indices where left > 0 {
                let take = min(8, left)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - take))
                if a[index] & mask != b[index] & mask { return false }
                left -= take
            }
            return true
        }
    }

    public var allowed: [Prefix]?
    public var denied: [Prefix] = []

    public init(allowed: [Prefix]? = nil, denied: [Prefix] = []) {
        self.allowed = allowed
        self.denied = denied
    }

    /// Whether a client from `address` may stay. An IPv4-mapped IPv6 address is judged as IPv4.
    public func admits(_ address: IPAddress) -> Bool {
        let plain = Self.unmapped(address)
        if denied.contains(where: { $0.contains(plain) }) { return false }
        guard let allowed else { return true }
        return allowed.contains { $0.contains(plain) }
    }

    static func unmapped(_ address: IPAddress) -> IPAddress {
        let bytes = address.bytes
        guard address.isIPv6, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF else { return address }
        return IPAddress(bytes: Array(bytes[12...]))
    }

    /// `10.0.0.0/8,::1`, or lines of a file (`option` names the source in a refusal).
    public static func prefixes(_ text: String, option: String) throws(UsageError) -> [Prefix] {
        var prefixes: [Prefix] = []
        for raw in text.split(whereSeparator: { $0 == "," || $0 == "\n" }) {
            let entry = trimmed(raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            guard !entry.isEmpty else { continue }
            let parts = entry.split(separator: "/", maxSplits: 1)
            guard let address = IPAddress(text: parts[0]) else {
                throw UsageError("\(option): not an address or prefix: \(entry.terminalSafe)")
            }
            let most = address.isIPv6 ? 128 : 32
            var bits = most
            if parts.count == 2 {
                guard let given = Int(parts[1]), (0...most).contains(given) else {
                    throw UsageError("\(option): prefix length out of range in \(entry.terminalSafe) (0 to \(most))")
                }
                bits = given
            }
            prefixes.append(Prefix(address: address, bits: bits))
        }
        return prefixes
    }

    static func trimmed(_ text: Substring) -> String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        return String(text.drop(while: blank).reversed().drop(while: blank).reversed())
    }
}

extension AddressFilter {
    /// `--allow` and `--deny` as typed (each a comma-separated list, or a file's lines); nil
    /// when neither was given.
    public static func from(allow: [String], deny: [String]) throws(UsageError) -> AddressFilter? {
        guard !allow.isEmpty || !deny.isEmpty else { return nil }
        var filter = AddressFilter()
        var allowed: [Prefix] = []
        for text in allow { allowed += try prefixes(text, option: "--allow") }
        if !allow.isEmpty { filter.allowed = allowed }
        for text in deny { filter.denied += try prefixes(text, option: "--deny") }
        return filter
    }
}
