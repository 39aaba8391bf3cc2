import Glibc
import SockscopeCore

/// getaddrinfo(3) with nc's hints: the family from -4/-6, numeric-only under -n, passive (the
/// wildcard) for a listener without a host.
public enum Resolver {
    /// `source`: the host is -s, our own address; the message says so (and names no port).
    public static func resolve(
        host: String?, port: UInt16, family: NetcatOptions.Family, datagram: Bool,
        numeric: Bool, passive: Bool, source: Bool = false
    ) throws(TransportError) -> [SocketAddress] {
        try lookUp(host: host, port: port, family: family, datagram: datagram, numeric: numeric, passive: passive, source: source).addresses
    }

    /// The same, with the canonical name getaddrinfo gives (AI_CANONNAME): `sockscope probe`
    /// shows it.
    public static func lookUp(
        host: String?, port: UInt16, family: NetcatOptions.Family, datagram: Bool,
        numeric: Bool, passive: Bool, source: Bool = false, canonical: Bool = false
    ) throws(TransportError) -> (addresses: [SocketAddress], canonicalName: String?) {
        var hints = addrinfo()
        hints.ai_family = family == .inet ? AF_INET : (family == .inet6 ? AF_INET6 : AF_UNSPEC)
        hints.ai_socktype = Int32(datagram ? SOCK_DGRAM.rawValue : SOCK_STREAM.rawValue)
        hints.ai_protocol = Int32(datagram ? IPPROTO_UDP : IPPROTO_TCP)
        hints.ai_flags = AI_NUMERICSERV | (numeric ? AI_NUMERICHOST : 0) | (passive ? AI_PASSIVE : 0) | (canonical && !numeric ? AI_CANONNAME : 0)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            let reason = status == EAI_SYSTEM ? String(cString: strerror(errno)) : String(cString: gai_strerror(status))
            if source { throw TransportError("getaddrinfo for source address \"\(host ?? "")\": \(reason)") }
            throw TransportError(NetcatWords.resolveFailed(host: host ?? "", port: port, reason: reason))
        }
        defer { freeaddrinfo(list) }
        let canonicalName = first.pointee.ai_canonname.map { String(cString: $0) }
        var addresses: [SocketAddress] = []
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let entry = node {
            if let address = entry.pointee.ai_addr {
                let candidate = SocketAddress(address, length: entry.pointee.ai_addrlen)
                if !addresses.contains(candidate) { addresses.append(candidate) }
            }
            node = entry.pointee.ai_next
        }
        return (addresses, canonicalName)
    }

    /// A service name from /etc/services (`http` → 80), for port arguments.
    public static func port(ofService name: String, datagram: Bool) -> UInt16? {
        guard let entry = getservbyname(name, datagram ? "udp" : "tcp") else { return nil }
        return UInt16(bigEndian: UInt16(truncatingIfNeeded: entry.pointee.s_port))
    }

    /// The service name of a port (`80` → `http`), or nil: nc's `[tcp/http]`.
    public static func service(ofPort port: UInt16, datagram: Bool) -> String? {
        guard let entry = getservbyport(Int32(port.bigEndian), datagram ? "udp" : "tcp"),
              let name = entry.pointee.s_name else { return nil }
        return String(cString: name)
    }
}
