/// Port arguments as OpenBSD nc accepts them: a number, a service name, a range `lo-hi`
/// (either order), or — beyond nc — a comma list of those (`22,80,8000-8010`).
public enum PortList {
    public enum Role: Sendable { case listen, dial }

    /// Parses one port argument. `service` resolves names such as `http` (from /etc/services in
    /// production); it is injected so this stays pure.
    public static func parse(
        _ text: String, role: Role, service: (String) -> UInt16?
    ) throws(UsageError) -> [UInt16] {
        var ports: [UInt16] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let item = String(item)
            if let dash = item.firstIndex(of: "-"), dash != item.startIndex {
                let lo = try single(String(item[..<dash]), role: role, service: service)
                let hi = try single(String(item[item.index(after: dash)...]), role: role, service: service)
                ports.append(contentsOf: min(lo, hi)...max(lo, hi))
            } else {
                ports.append(try single(item, role: role, service: service))
            }
        }
        return ports
    }

    /// One port: digits are a number (nc's limits and wording), anything else a service name.
    static func single(
        _ text: String, role: Role, service: (String) -> UInt16?
    ) throws(UsageError) -> UInt16 {
        guard !text.isEmpty else { throw UsageError("port number invalid: \(text)") }
        if text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            // Compare digit counts first so that 99999999999999999999 cannot overflow.
            let digits = text.drop(while: { $0 == "0" })
            guard digits.count <= 5, let value = Int(text), value <= 65535 else {
                throw UsageError("port number too large: \(text)")
            }
            // Port 0 asks the kernel for an ephemeral port: meaningful when binding only.
            if value == 0 && role == .dial { throw UsageError("port number too small: \(text)") }
            return UInt16(value)
        }
        if text.hasPrefix("-") || text.hasPrefix("+") {
            throw UsageError("port number invalid: \(text)")
        }
        guard let port = service(text) else { throw UsageError("port number invalid: \(text)") }
        return port
    }
}
