import CLinux
import Glibc
import SockscopeCore

extension LessonLab {
    /// Performs one action. A socket call that fails is an observation (a lesson may expect
    /// EADDRINUSE), recorded in `observation.errors`; what throws is the lab failing (nft, tc).
    public func perform(_ action: LabAction) throws(TransportError) {
        // Each call's return is said as strace says it, with what it means (#23: "every lesson
        // says what each call returned"); a failure says its errno (`fail`).
        lastResult = action.end == nil || action.isOption ? nil : "0"
        switch action {
        case .listen(let end, let backlog):
            guard let fd = open(end) else { return }
            guard Glibc.listen(fd, Int32(max(0, min(backlog, 65535)))) == 0 else { return fail(end, errno) }
            listeners[end.local] = end.name
        case .connect(let end):
            guard let fd = open(end), let remote = end.remote else { return }
            do {
                if try !Socket.startConnect(fd, to: SocketAddress(endpoint: remote)) {
                    connecting.insert(end.name)
                    lastResult = "-1 EINPROGRESS (non-blocking: the handshake goes on)"
                }
            } catch {
                fail(end, error.code)
            }
        case .accept(let end):
            accept(end)
        case .send(let end, let bytes):
            write(end, bytes: max(0, bytes))
        case .read(let end):
            reading.insert(end.name)
            let before = observation.received[end.name] ?? 0
            pump()
            let got = (observation.received[end.name] ?? 0) - before
            lastResult = got > 0 ? "\(got) (then -1 EAGAIN: nothing more yet; the lab reads each round)" : "-1 EAGAIN (nothing to read yet; the lab reads each round)"
        case .shutdown(let end):
            guard let fd = sockets[end.name] else { return fail(end, EBADF) }
            if Glibc.shutdown(fd, Int32(SHUT_WR)) != 0 { fail(end, errno) }
        case .close(let end):
            if sockets[end.name] == nil { lastResult = nil }
            forget(end)
        case .abort(let end):
            if let fd = sockets[end.name] { Socket.setLinger(fd, seconds: 0) }
            forget(end)
        case .receiveBuffer(let end, let bytes):
            setOption(end, SOL_SOCKET, SO_RCVBUF, Int32(max(0, min(bytes, 1 << 30))))
        case .reuseAddress(let end):
            setOption(end, SOL_SOCKET, SO_REUSEADDR, 1)
        case .userTimeout(let end, let milliseconds):
            setOption(end, Int32(IPPROTO_TCP), TCP_USER_TIMEOUT, Int32(max(0, min(milliseconds, 3_600_000))))
        case .deferAccept(let end, let seconds):
            setOption(end, Int32(IPPROTO_TCP), TCP_DEFER_ACCEPT, Int32(max(0, min(seconds, 3600))))
        case .hold(let hold):
            guard holds[hold] == nil else { return }
            holds[hold] = try addRule(hold.rule(logGroup: Int(DropLog.group)))
        case .release(let hold):
            guard let handle = holds.removeValue(forKey: hold) else { return }
            try nft(["delete", "rule", "inet", Self.table, "input", "handle", String(handle)])
        case .slowWire(let rate):
            try slowWire(rate)
        case .sysctl(let name, let value):
            // Only names of letters, digits and underscores: never a path out of net/ipv4.
            guard !name.isEmpty, name.utf8.allSatisfy({ $0 == UInt8(ascii: "_") || ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 122) })
            else { throw TransportError("no sysctl net.ipv4.\(name)") }
            let path = "/proc/sys/net/ipv4/\(name)"
            // A kernel older than the sysctl behaves as its default did (tcp_syn_linear_timeouts,
            // tcp_rto_max_ms are recent): the lesson goes on with that.
            if access(path, F_OK) != 0 && errno == ENOENT { return }
            guard ProcFile.write(String(value), to: path) else {
                throw TransportError("cannot set net.ipv4.\(name) in the lesson's namespace: \(String(cString: strerror(errno)))")
            }
        case .openDatagram(let end):
            guard let fd = open(end) else { return }
            if let remote = end.remote, !Socket.connectDatagram(fd, to: SocketAddress(endpoint: remote)) { fail(end, errno) }
            reading.insert(end.name)
        case .sendDatagram(let end, let bytes, let to):
            guard let fd = sockets[end.name] else { return fail(end, EBADF) }
            let sent = sendFromBuffer(fd, count: bytes, to: to.map(SocketAddress.init(endpoint:)))
            if sent < 0 { fail(end, errno) } else { lastResult = "\(sent) (one datagram, whole)" }
        case .pause:
            break  // the runner waits, observing
        }
    }

    /// socket, the options asked for, bind to the end's address: the descriptor, or nil with the
    /// error recorded.
    func open(_ end: LabEnd) -> Int32? {
        forget(end)
        // A new socket: what an earlier one of this end failed with is history.
        observation.errors[end.name] = nil
        let fd: Int32
        do {
            fd = try Socket.make(family: end.local.address.isIPv6 ? AF_INET6 : AF_INET, datagram: end.datagram)
        } catch {
            fail(end, error.code)
            return nil
        }
        if end.remote == nil { Socket.setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1) }
        for (option, value) in options[end.name] ?? [:] { Socket.setOption(fd, option.level, option.name, value) }
        do {
            try Socket.bind(fd, to: SocketAddress(endpoint: end.local))
        } catch {
            close(fd)
            fail(end, error.code)
            return nil
        }
        sockets[end.name] = fd
        return fd
    }

    /// A socket option asked for: set now when the end's socket exists, and on every socket
    /// made for the end from then on (before bind and listen, where it matters).
    func setOption(_ end: LabEnd, _ level: Int32, _ name: Int32, _ value: Int32) {
        options[end.name, default: [:]][SocketOption(level: level, name: name)] = value
        if let fd = sockets[end.name] { Socket.setOption(fd, level, name, value) }
    }

    /// Takes connections from the accept queue of the listener on `end`'s address until `end`'s
    /// is found; the others are kept under their own servers' names.
    func accept(_ end: LabEnd) {
        guard let name = listeners[end.local], let listener = sockets[name] else { return fail(end, EBADF) }
        for _ in 0..<64 {
            guard let accepted = try? Socket.accept(listener) else { break }
            guard let peer = accepted.peer.endpoint else {
                close(accepted.fd)
                continue
            }
            let number = Int(peer.port) - 40000
            let name = peer == end.remote ? end.name : LabEnd.server(of: .client(number)).name
            if let old = sockets[name] { close(old) }
            sockets[name] = accepted.fd
            if peer == end.remote {
                lastResult = "\(accepted.fd) (a socket of its own: the connection leaves the accept queue)"
                return
            }
        }
        fail(end, EAGAIN)
    }

    func forget(_ end: LabEnd) {
        if let fd = sockets.removeValue(forKey: end.name) { close(fd) }
        connecting.remove(end.name)
        reading.remove(end.name)
        outbound[end.name] = nil
    }

    func fail(_ end: LabEnd, _ code: Int32) {
        observation.errors[end.name] = ErrnoName.of(code)
        lastResult = "-1 \(ErrnoName.of(code))"
    }

    /// One send() of all `bytes` on the non-blocking socket: the kernel takes what its send
    /// buffer has room for and says how much; once it is full, the next call says EAGAIN. The
    /// lab keeps the rest and sends it as room opens, each round — as a blocking write() would
    /// wait inside the call.
    func write(_ end: LabEnd, bytes: Int) {
        guard let fd = sockets[end.name] else { return fail(end, EBADF) }
        let asked = min(bytes, Self.largestWrite)
        if buffer.count < asked { buffer = [UInt8](repeating: 0, count: asked) }
        let taken = sendFromBuffer(fd, count: asked, to: nil)
        guard taken >= 0 else {
            let code = errno
            if code == EAGAIN || code == EWOULDBLOCK {
                outbound[end.name, default: 0] += bytes
                observation.writes[end.name] = .init(asked: asked, taken: 0)
                lastResult = "-1 EAGAIN (the send buffer is full: all \(bytes) bytes wait)"
                return
            }
            return fail(end, code)
        }
        observation.writes[end.name] = .init(asked: asked, taken: taken)
        outbound[end.name, default: 0] += bytes - taken
        if taken < bytes {
            let again = sendFromBuffer(fd, count: bytes - taken, to: nil)
            let next = again < 0 ? "-1 \(ErrnoName.of(errno))" : "\(again)"
            if again > 0 { outbound[end.name, default: 0] -= again }
            lastResult = "\(taken) of \(bytes): the send buffer took what fitted; again = \(next); the rest waits"
        } else {
            lastResult = "\(taken)"
        }
        pump()
    }

    /// The largest single send() a lesson makes (its buffer grows to it).
    static let largestWrite = 4 << 20

    /// Adds a rule to the input chain; returns its handle, to delete it by later.
    func addRule(_ rule: String) throws(TransportError) -> Int {
        let echoed = try nft(["--echo", "--handle", "add", "rule", "inet", Self.table, "input"] + rule.split(separator: " ").map(String.init))
        // The rule comes back as `add rule … # handle 5`.
        let words = echoed.split(whereSeparator: \.isWhitespace)
        guard let at = words.lastIndex(of: "handle"), at + 1 < words.count, let handle = Int(words[at + 1])
        else { throw TransportError("nft did not say which handle the rule got: \(echoed)") }
        return handle
    }

    @discardableResult
    func nft(_ arguments: [String]) throws(TransportError) -> String {
        do {
            return try LabProgram.run(["nft"] + arguments)
        } catch {
            throw TransportError(error.description)
        }
    }

    /// A token bucket filter on `lo`, then two full-size datagrams to a port nobody has: the
    /// first empties the bucket, the second waits its turn, and whatever is sent next queues
    /// behind it — long enough for segments of the two ends to cross.
    func slowWire(_ rate: Int?) throws(TransportError) {
        do {
            guard let rate else {
                _ = try LabProgram.run(["tc", "qdisc", "del", "dev", "lo", "root"])
                return
            }
            _ = try LabProgram.run(["tc", "qdisc", "replace", "dev", "lo", "root", "tbf", "rate", "\(max(8000, rate))bit",
                                    "burst", "1600", "latency", "10s"])
        } catch {
            throw TransportError("cannot shape the lesson's wire (is iproute2's tc installed?): \(error.description)")
        }
        guard let fd = try? Socket.make(family: AF_INET, datagram: true) else { return }
        defer { close(fd) }
        let nowhere = SocketAddress(endpoint: Self.fillerSink)
        for _ in 0..<2 {
            _ = sendFromBuffer(fd, count: 1472, to: nowhere)
        }
    }
}
