import SockscopeCore
import Glibc

/// A socket address of any family, stored as the kernel takes it.
public struct SocketAddress: Sendable, Equatable, Hashable {
    public var storage = sockaddr_storage()
    public var length: socklen_t = 0

    public init() {}

    public static func == (a: SocketAddress, b: SocketAddress) -> Bool {
        a.length == b.length && a.withBytes { x in b.withBytes { y in x.elementsEqual(y) } }
    }

    public func hash(into hasher: inout Hasher) {
        withBytes { hasher.combine(bytes: $0) }
    }

    init(_ pointer: UnsafePointer<sockaddr>, length: socklen_t) {
        let count = min(Int(length), MemoryLayout<sockaddr_storage>.size)
        withUnsafeMutableBytes(of: &storage) { dst in
            dst.copyMemory(from: UnsafeRawBufferPointer(start: pointer, count: count))
        }
        self.length = socklen_t(count)
    }

    /// A Unix socket path; a leading `@` is Linux's abstract namespace (sun_path[0] == 0).
    public init(unixPath path: String) throws(TransportError) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { throw TransportError("socket path too long: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path) ?? 2
        // Abstract names are exactly as long as given (no NUL terminator counts).
        let length = pathOffset + bytes.count + (abstract ? 0 : 1)
        withUnsafeMutableBytes(of: &storage) { dst in
            withUnsafeBytes(of: &address) { src in dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[0..<length])) }
        }
        self.length = socklen_t(length)
    }

    public var family: Int32 { Int32(storage.ss_family) }

    func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        withUnsafeBytes(of: storage) { body(UnsafeRawBufferPointer(rebasing: $0[0..<Int(length)])) }
    }

    public func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        withUnsafePointer(to: storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }

    /// The port of an IPv4 or IPv6 address, 0 otherwise.
    public var port: UInt16 {
        withSockaddr { pointer, _ in
            switch Int32(pointer.pointee.sa_family) {
            case AF_INET:
                return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
            case AF_INET6:
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin6_port) }
            default:
                return 0
            }
        }
    }

    /// The numeric host (`127.0.0.1`, `::1`), or the path for Unix sockets.
    public var numericHost: String { host(numeric: true) }

    /// An IPv6 address's zone (its interface, for a link-local one), or nil.
    public var zone: String? {
        guard family == AF_INET6 else { return nil }
        let scope = withUnsafeBytes(of: storage) { raw in raw.load(as: sockaddr_in6.self).sin6_scope_id }
        guard scope != 0 else { return nil }
        var name = [CChar](repeating: 0, count: Int(IF_NAMESIZE) + 1)
        return if_indextoname(scope, &name) != nil ? String(cString: name) : String(scope)
    }

    /// The host as nc shows it: a name from the resolver unless `numeric`, else the number.
    public func host(numeric: Bool) -> String {
        if family == AF_UNIX { return unixPath ?? "" }
        var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let flags = numeric ? NI_NUMERICHOST : 0
        let status = withSockaddr { pointer, length in
            getnameinfo(pointer, length, &buffer, socklen_t(buffer.count), nil, 0, flags)
        }
        guard status == 0 else { return numeric ? "?" : host(numeric: true) }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The path of a Unix socket address (`@name` for abstract ones); nil for an unnamed one.
    public var unixPath: String? {
        guard family == AF_UNIX else { return nil }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path) ?? 2
        let count = Int(length) - pathOffset
        guard count > 0 else { return nil }
        return withUnsafeBytes(of: storage) { raw in
            var bytes = Array(raw[pathOffset..<(pathOffset + count)])
            if bytes.first == 0 {
                bytes[0] = UInt8(ascii: "@")
            } else if let nul = bytes.firstIndex(of: 0) {
                bytes.removeSubrange(nul...)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// `127.0.0.1:8080`, `[::1]:8080` or the Unix path: for logs and the hex dump.
    public var display: String {
        switch family {
        case AF_INET: return "\(numericHost):\(port)"
        case AF_INET6: return "[\(numericHost)]:\(port)"
        // A Unix path is whatever its binder chose: escaped for terminals.
        default: return unixPath?.terminalSafe ?? "(unnamed)"
        }
    }
}

extension SocketAddress {
    /// The address as the socket tables name it (nil for Unix sockets), to find our own rows.
    public var endpoint: SocketEndpoint? {
        withSockaddr { pointer, _ -> SocketEndpoint? in
            switch Int32(pointer.pointee.sa_family) {
            case AF_INET:
                return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    SocketEndpoint(address: IPAddress(ipv4: UInt32(bigEndian: $0.pointee.sin_addr.s_addr)),
                                   port: UInt16(bigEndian: $0.pointee.sin_port))
                }
            case AF_INET6:
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    let bytes = withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) }
                    return SocketEndpoint(address: IPAddress(bytes: bytes), port: UInt16(bigEndian: $0.pointee.sin6_port))
                }
            default:
                return nil
            }
        }
    }
}

extension SocketAddress {
    /// The sockaddr_in or sockaddr_in6 of an address and port.
    public init(endpoint: SocketEndpoint) {
        self.init()
        let bytes = endpoint.address.bytes
        withUnsafeMutablePointer(to: &storage) { pointer in
            if bytes.count == 16 {
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { six in
                    six.pointee.sin6_family = sa_family_t(AF_INET6)
                    six.pointee.sin6_port = endpoint.port.bigEndian
                    withUnsafeMutableBytes(of: &six.pointee.sin6_addr) { $0.copyBytes(from: bytes) }
                }
            } else {
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { four in
                    four.pointee.sin_family = sa_family_t(AF_INET)
                    four.pointee.sin_port = endpoint.port.bigEndian
                    withUnsafeMutableBytes(of: &four.pointee.sin_addr) { $0.copyBytes(from: bytes) }
                }
            }
        }
        length = socklen_t(bytes.count == 16 ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size)
    }
}
