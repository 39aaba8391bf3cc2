import CLinux
import Glibc
import SockscopeCore
import SockscopeTransport

/// -z: connect to each port and report, in nc's words; exit 0 if any port is open.
struct ScanMode {
    let plan: SessionPlan
    let log: Diagnostics
    let signalFD: Int32

    /// How long a UDP probe waits for the ICMP "port unreachable" that marks a port closed when
    /// -w does not say; on loopback it arrives in microseconds.
    static let udpProbeWait = 0.5

    func run() throws -> ExitStatus {
        guard case .inet(let host?, let ports) = plan.target else { return .failure }
        var anyOpen = false
        for (index, port) in ports.enumerated() {
            if index > 0, let interval = plan.interval, let signal = wait(interval) { return .signal(signal) }
            let addresses = try Resolver.resolve(host: host, port: port, family: plan.family,
                                                 datagram: plan.datagram, numeric: plan.numeric, passive: false)
            let dialer = Dialer(datagram: plan.datagram, timeout: plan.timeout, source: nil,
                                sourcePort: plan.sourcePort, signalFD: signalFD)
            for address in addresses {
                var result = dialer.connect(to: address)
                if case .success(let fd) = result {
                    if plan.datagram {
                        switch dialer.probeDatagram(fd, seconds: plan.timeout ?? Self.udpProbeWait) {
                        case .success(true): break
                        case .success(false): result = .failure(.refused(SystemError("connect", code: ECONNREFUSED)))
                        case .failure(let failure): result = .failure(failure)
                        }
                    }
                    close(fd)
                }
                if case .failure(.interrupted(let signal)) = result { return .signal(signal) }
                if case .success = result {
                    anyOpen = true
                    log.info(plan.successLine(typed: host, address: address, port: port))
                    break  // open: next port
                }
                if plan.verbose, case .failure(let failure) = result,
                   let line = plan.failureLine(failure, typed: host, address: address, port: port) {
                    log.error(line)
                }
            }
        }
        return anyOpen ? .success : .failure
    }

    /// -i between ports; a signal cuts the wait short.
    func wait(_ seconds: Double) -> Int32? {
        if case .signal(let signal) = SignalWait.wait(seconds: seconds, signalFD: signalFD) { return signal }
        return nil
    }
}
