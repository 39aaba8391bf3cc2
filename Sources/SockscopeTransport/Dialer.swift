import CLinux
import Glibc
import SockscopeCore

/// Connects to the first address that answers, as nc does, with -w as the connect timeout and
/// -s/-p choosing our own end.
public struct Dialer {
    public var datagram: Bool
    public var timeout: Double?
    public var source: SocketAddress?
    public var sourcePort: UInt16?
    public var signalFD: Int32

    public init(datagram: Bool, timeout: Double?, source: SocketAddress?, sourcePort: UInt16?, signalFD: Int32) {
        self.datagram = datagram
        self.timeout = timeout
        self.source = source
        self.sourcePort = sourcePort
        self.signalFD = signalFD
    }

    public enum Failure: Error, Equatable {
        case refused(SystemError)
        case timedOut
        case interrupted(Int32)
    }

    /// Starts one attempt without waiting: the socket and whether it is connected already (else
    /// its handshake is under way, for the engine to finish). The socket is non-blocking.
    public func start(to address: SocketAddress) -> Result<(fd: Int32, connected: Bool), Failure> {
        let fd: Int32
        do {
            fd = try Socket.make(family: address.family, datagram: datagram)
        } catch {
            return .failure(.refused(error))
        }
        do {
            try bindSource(fd, family: address.family)
            return .success((fd, try Socket.startConnect(fd, to: address)))
        } catch {
            close(fd)
            return .failure(.refused(error))
        }
    }

    /// One attempt: a connected socket, or why not. The socket is non-blocking.
    public func connect(to address: SocketAddress) -> Result<Int32, Failure> {
        let fd: Int32
        do {
            fd = try Socket.make(family: address.family, datagram: datagram)
            try bindSource(fd, family: address.family)
            if try Socket.startConnect(fd, to: address) { return .success(fd) }
        } catch {
            return .failure(.refused(error))
        }
        // In progress: the socket is in SYN_SENT until the handshake completes or fails.
        switch SignalWait.wait(for: fd, events: POLLOUT, seconds: timeout, signalFD: signalFD) {
        case .ready: break
        case .timedOut:
            close(fd)
            return .failure(.timedOut)
        case .signal(let signal):
            close(fd)
            return .failure(.interrupted(signal))
        }
        let code = Socket.pendingError(fd)
        guard code == 0 else {
            close(fd)
            return .failure(.refused(SystemError("connect", code: code)))
        }
        return .success(fd)
    }

    /// UDP has no handshake: sends one byte on a connected datagram socket and waits up to
    /// `seconds` for the ICMP "port unreachable" that marks the port closed. Silence counts as
    /// open, as in nc.
    public func probeDatagram(_ fd: Int32, seconds: Double) -> Result<Bool, Failure> {
        var probe = UInt8(ascii: "X")
        guard send(fd, &probe, 1, Int32(MSG_NOSIGNAL)) == 1 else {
            return errno == ECONNREFUSED ? .success(false) : .success(true)
        }
        switch SignalWait.wait(for: fd, events: POLLIN, seconds: seconds, signalFD: signalFD) {
        case .timedOut: return .success(true)
        case .signal(let signal): return .failure(.interrupted(signal))
        case .ready:
            var byte: UInt8 = 0
            let refused = recv(fd, &byte, 1, Int32(MSG_DONTWAIT)) < 0 && errno == ECONNREFUSED
            return .success(!refused)
        }
    }

    func bindSource(_ fd: Int32, family: Int32) throws(SystemError) {
        guard source != nil || sourcePort != nil else { return }
        var address = source ?? SocketAddress.wildcard(family: family)
        if let port = sourcePort { address.setPort(port) }
        // -p reuses a port a previous run left in TIME_WAIT, as nc does.
        Socket.setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
        try Socket.bind(fd, to: address)
    }
}

extension SocketAddress {
    /// 0.0.0.0 or :: with port 0.
    public static func wildcard(family: Int32) -> SocketAddress {
        var address = SocketAddress()
        address.storage.ss_family = sa_family_t(family)
        address.length = socklen_t(family == AF_INET6 ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size)
        return address
    }

    public mutating func setPort(_ port: UInt16) {
        let family = self.family
        withUnsafeMutablePointer(to: &storage) { pointer in
            if family == AF_INET6 {
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_port = port.bigEndian }
            } else if family == AF_INET {
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port = port.bigEndian }
            }
        }
    }
}
