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
                    let refused = plan.datagram && probeRefused(fd)
                    close(fd)
                    if refused { result = .failure(.refused(SystemError("connect", code: ECONNREFUSED))) }
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

    /// UDP has no handshake: send one byte and see whether the kernel reports the port
    /// unreachable. Silence counts as open, as in nc.
    func probeRefused(_ fd: Int32) -> Bool {
        var probe: UInt8 = UInt8(ascii: "X")
        guard send(fd, &probe, 1, Int32(MSG_NOSIGNAL)) == 1 else { return errno == ECONNREFUSED }
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let wait = Int32((plan.timeout ?? Self.udpProbeWait) * 1000)
        guard poll(&entry, 1, wait) > 0 else { return false }
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, Int32(MSG_DONTWAIT)) < 0 && errno == ECONNREFUSED
    }

    /// -i between ports; a signal cuts the wait short.
    func wait(_ seconds: Double) -> Int32? {
        var entry = pollfd(fd: signalFD, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, Int32(seconds * 1000)) > 0 else { return nil }
        let signal = clinux_read_signal(signalFD)
        return signal == 0 ? nil : signal
    }
}
