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
            ports.append(contentsOf: try range(String(item), role: role, service: service))
        }
        return ports
    }

    /// `N`, a service name (which may itself contain dashes: `http-alt`), or `lo-hi`.
    static func range(
        _ item: String, role: Role, service: (String) -> UInt16?
    ) throws(UsageError) -> [UInt16] {
        if let port = try? single(item, role: role, service: service) { return [port] }
        var firstError: UsageError?
        for dash in item.indices where item[dash] == "-" && dash != item.startIndex {
            do {
                let lo = try single(String(item[..<dash]), role: role, service: service)
                do {
                    let hi = try single(String(item[item.index(after: dash)...]), role: role, service: service)
                    return Array(min(lo, hi)...max(lo, hi))
                } catch {
                    // `1-99999` deserves "too large: 99999"; a name with dashes is judged whole.
                    if item[..<dash].allSatisfy({ $0.isASCII && $0.isNumber }) { firstError = firstError ?? error }
                }
            } catch {
                // `0-2` when dialing: 0 is the problem, as with `99999-1` above.
                if item[..<dash].allSatisfy({ $0.isASCII && $0.isNumber }) { firstError = firstError ?? error }
                continue
            }
        }
        if let firstError { throw firstError }
        return [try single(item, role: role, service: service)]
    }

    /// One port: digits are a number (nc's limits and wording), anything else a service name.
    public static func single(
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
