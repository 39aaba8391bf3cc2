import Glibc
import SockscopeCore

/// A proxy's negotiation as a stage of a connection's stream (issue 22): the socket is connected
/// to the first proxy; each proxy in turn is asked to connect to the next, the last to the
/// target, without blocking the loop. Until the tunnel is open nothing of the engine's is sent
/// and nothing is delivered; then the stage passes bytes through, the proxy's first bytes after
/// its answer delivered first. A stage above it (TLS) talks to the target through it.
public final class ProxyStream: ByteStream {
    let plain: PlainStream
    /// The negotiations still to run, the current one first.
    var negotiations: [ProxyNegotiation]
    /// Bytes for the proxy, from `sentOffset`.
    var outgoing: [UInt8] = []
    var sentOffset = 0
    /// The target's first bytes, which came with the last proxy's answer.
    var leftover: [UInt8] = []
    public private(set) var open = false
    public private(set) var failure: String?
    var notes: [StageNote] = []
    var finishWanted = false
    let clock: () -> Double
    let limit: Double
    var hopStarted: Double
    let startedAt: Double
    var summaryText: String?
    /// The negotiation's bytes each way so far: where its messages sit in the stream, and where
    /// the target's bytes (a TLS stage's records) begin.
    var sentBytes = 0
    var receivedBytes = 0
    public var ownBytes: (sent: Int, received: Int) { (sentBytes, receivedBytes) }
    /// Its messages, named, for the ladder (`takeRecords`); answers already told per hop.
    var records: [TLSRecord] = []
    var answersTold = 0
    /// The proxy being asked now, as failures name it.
    var current: String { negotiations.first?.hop.label ?? "" }
    /// `host:port` of the target, for the summary.
    let target: String

    /// `hops` in order; `target` what the last one connects to. `limit`: seconds the whole
    /// negotiation may take (-w, else 10), on `clock`.
    public init(fd: Int32, hops: [ProxyHop], targetHost: String, targetPort: UInt16, limit: Double, clock: @escaping () -> Double) {
        plain = PlainStream(fd: fd)
        var negotiations: [ProxyNegotiation] = []
        for (index, hop) in hops.enumerated() {
            let next = index + 1 < hops.count ? (hops[index + 1].host, hops[index + 1].port) : (targetHost, targetPort)
            negotiations.append(ProxyNegotiation(hop: hop, targetHost: next.0, targetPort: next.1))
        }
        self.negotiations = negotiations
        target = ProxyHop.hostPort(targetHost, targetPort)
        self.clock = clock
        self.limit = limit
        startedAt = clock()
        hopStarted = startedAt
        begin()
    }

    /// The current negotiation's first words, or the tunnel open when none is left.
    func begin() {
        guard !negotiations.isEmpty else {
            open = true
            if finishWanted { plain.finishSending() }
            return
        }
        hopStarted = clock()
        follow(negotiations[0].start())
    }

    func follow(_ step: ProxyNegotiation.Step) {
        let hop = negotiations[0].hop
        switch step {
        case .send(let bytes):
            record(ours: true, offset: sentBytes, length: bytes.count, text: negotiations[0].sentName)
            sentBytes += bytes.count
            outgoing += bytes
            tellAnswers()
            flush()
        case .waiting:
            break
        case .connected(let rest, let detail):
            tellAnswers()
            let seconds = clock() - hopStarted
            notes.append(StageNote("proxy \(hop.label): \(detail) (\(DurationText.short(seconds)))",
                                   meaning: .proxy(address: ProxyHop.hostPort(hop.host, hop.port), type: hop.kind.name, detail: detail,
                                                   seconds: seconds)))
            summaryText = (summaryText.map { $0 + " → " } ?? "via ") + hop.label
            negotiations.removeFirst()
            answersTold = 0
            if negotiations.isEmpty {
                leftover = rest
                begin()
            } else if rest.isEmpty {
                begin()
            } else {
                failure = "proxy \(hop.label): sent bytes after its answer, before the next proxy was asked"
            }
        case .refused(let reason):
            failure = "proxy \(hop.label) refused: \(reason)"
        }
    }

    /// The answers the negotiation has taken since, placed after the ones before.
    func tellAnswers() {
        let answers = negotiations[0].answers
        while answersTold < answers.count {
            let answer = answers[answersTold]
            record(ours: false, offset: receivedBytes, length: answer.length, text: answer.text)
            receivedBytes += answer.length
            answersTold += 1
        }
    }

    func record(ours: Bool, offset: Int, length: Int, text: String) {
        var record = TLSRecord(ours: ours, offset: offset, type: 0, length: length, contents: [text])
        record.layer = negotiations[0].hop.kind.name
        records.append(record)
    }

    public func takeRecords() -> [TLSRecord] {
        defer { records.removeAll() }
        return records
    }

    func flush() {
        while sentOffset < outgoing.count {
            let n = outgoing.withUnsafeBytes { raw in raw.baseAddress.map { plain.send($0 + sentOffset, count: raw.count - sentOffset) } ?? -1 }
            if n > 0 {
                sentOffset += n
                continue
            }
            if n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
                failure = "proxy \(current): \(String(cString: strerror(errno)))"
            }
            return
        }
        outgoing.removeAll(keepingCapacity: true)
        sentOffset = 0
    }

    /// Reads the proxy's answer as far as it has come.
    func readAnswer() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !open && failure == nil && sentOffset == outgoing.count {
            let n = buffer.withUnsafeMutableBytes { raw in raw.baseAddress.map { plain.receive(into: $0, count: raw.count) } ?? -1 }
            if n > 0 {
                let step = negotiations[0].take(Array(buffer[..<n]))
                if case .waiting = step { tellAnswers() }
                follow(step)
                continue
            }
            if n == 0 {
                failure = "proxy \(current) closed the connection before answering"
            } else if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
                failure = "proxy \(current): \(String(cString: strerror(errno)))"
            }
            return
        }
    }

    public func advance() -> Bool {
        guard failure == nil else { return false }
        if open { return true }
        if clock() >= startedAt + limit {
            failure = "proxy \(current): no answer within \(Seconds.text(limit)) s"
            return false
        }
        flush()
        readAnswer()
        return failure == nil
    }

    public func send(_ bytes: UnsafeRawPointer, count: Int) -> Int {
        guard advance() else { return Self.failed() }
        guard open else {
            errno = EAGAIN
            return -1
        }
        return plain.send(bytes, count: count)
    }

    public func receive(into buffer: UnsafeMutableRawPointer, count: Int) -> Int {
        guard advance() else { return Self.failed() }
        guard open else {
            errno = EAGAIN
            return -1
        }
        if !leftover.isEmpty {
            let n = min(count, leftover.count)
            leftover.withUnsafeBytes { raw in _ = raw.baseAddress.map { memcpy(buffer, $0, n) } }
            leftover.removeFirst(n)
            return n
        }
        return plain.receive(into: buffer, count: count)
    }

    public func finishSending() {
        finishWanted = true
        if open { plain.finishSending() }
    }

    public func events(reading: Bool, writing: Bool) -> Int32 {
        if open { return plain.events(reading: reading, writing: writing) }
        return sentOffset < outgoing.count ? POLLOUT : POLLIN
    }

    public var buffered: Int { leftover.count }
    public var ready: Bool { open }
    public var splicable: Bool { false }
    public var owes: Bool { !open && sentOffset < outgoing.count }
    public var deadline: Double? { open || failure != nil ? nil : startedAt + limit }
    /// `via 127.0.0.1:1080 (SOCKS5) to example.org:443`: the header says which target the leg
    /// to the proxy carries.
    public var summary: String? { open ? summaryText.map { "\($0) to \(target)" } : nil }
    public var route: String? { summary }

    public func takeNotes() -> [StageNote] {
        defer { notes.removeAll() }
        return notes
    }
}
