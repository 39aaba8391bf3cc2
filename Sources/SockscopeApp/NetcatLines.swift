import Glibc
import SockscopeCore
import SockscopeTransport

/// nc's words for a connection attempt, shared by dialing and scanning.
extension SessionPlan {
    /// `Connection to HOST PORT port [tcp/SERVICE] succeeded!` (no service lookup under -n).
    func successLine(typed host: String, address: SocketAddress, port: UInt16) -> String {
        NetcatWords.succeeded(typed: host, address: address.numericHost, port: port, proto: protocolName,
                              service: numeric ? nil : Resolver.service(ofPort: port, datagram: datagram))
    }

    /// The line for a failed attempt, or nil for a signal (which ends the mode instead).
    func failureLine(_ failure: Dialer.Failure, typed host: String, address: SocketAddress, port: UInt16) -> String? {
        switch failure {
        case .refused(let error) where error.operation == "bind":
            return "cannot bind to the source address: \(error.reason)"
        case .refused(let error):
            return NetcatWords.connectFailed(typed: host, address: address.numericHost, port: port,
                                             proto: protocolName, reason: error.reason)
        case .timedOut:
            return NetcatWords.connectTimedOut(typed: host, address: address.numericHost, port: port, proto: protocolName)
        case .interrupted:
            return nil
        }
    }
}
