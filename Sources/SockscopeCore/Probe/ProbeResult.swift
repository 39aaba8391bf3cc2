/// One probe of `sockscope probe` (issue 24), phase by phase: the connect (SYN to the
/// handshake's end) and its SYNs sent again, the proxies' negotiation (-x), the TLS handshake
/// (--tls), the first byte
/// (--send, --expect) and the close (our FIN until it is acknowledged). Times in seconds.
public struct ProbeResult: Sendable, Equatable {
    public enum Outcome: String, Sendable {
        case connected
        /// An RST answered the SYN (ECONNREFUSED).
        case refused
        /// No answer within -w: something dropped the SYN.
        case filtered
        /// Connected, but a later phase failed (TLS refused, the peer closed, no --expect text).
        case failed
    }

    public var number: Int
    public var address: String
    public var port: UInt16
    public var outcome: Outcome
    /// Why, when it failed: `TLS: certificate verify failed`, `no 'HTTP/1.1 200' within 2 s`.
    /// Raw (it may quote a peer: a proxy's status line, a certificate's name); `text` escapes it.
    public var why: String?
    public var connect: Double?
    public var synRetransmits = 0
    /// Addresses dialed for it (more than one: Happy Eyeballs raced another).
    public var attempts = 1
    /// -x: the proxies' negotiation, from the connect to the tunnel's opening.
    public var proxy: Double?
    public var tls: Double?
    public var firstByte: Double?
    public var close: Double?

    public init(number: Int, address: String, port: UInt16, outcome: Outcome) {
        self.number = number
        self.address = address
        self.port = port
        self.outcome = outcome
    }

    /// Whether it did all it was asked (the exit status counts these).
    public var succeeded: Bool { outcome == .connected }

    /// `probe 3: 127.0.0.1 443: connected in 0.210 ms, TLS 2.104 ms, first byte 0.380 ms, close 0.031 ms`.
    public var text: String {
        func ms(_ seconds: Double) -> String { "\(DurationText.milliseconds(seconds)) ms" }
        var parts: [String] = []
        switch outcome {
        case .connected, .failed:
            var connected = "connected in \(connect.map(ms) ?? "?")"
            if synRetransmits > 0 { connected += " (\(synRetransmits) SYN\(synRetransmits == 1 ? "" : "s") sent again)" }
            if attempts > 1 { connected += " (\(attempts) addresses raced)" }
            parts.append(connected)
            if let proxy { parts.append("proxy \(ms(proxy))") }
            if let tls { parts.append("TLS \(ms(tls))") }
            if let firstByte { parts.append("first byte \(ms(firstByte))") }
            if let close { parts.append("close \(ms(close))") }
            if outcome == .failed { parts.append("failed: \((why ?? "?").terminalSafe)") }
        case .refused:
            parts.append("refused (RST) in \(connect.map(ms) ?? "?")")
        case .filtered:
            parts.append("no answer \((why ?? "").terminalSafe) (filtered)")
        }
        return "probe \(number): \(address) \(port): " + parts.joined(separator: ", ")
    }

    public var json: [(String, JSONValue)] {
        func ms(_ seconds: Double?) -> JSONValue { seconds.map { .milliseconds($0) } ?? .null }
        var fields: [(String, JSONValue)] = [("probe", .int(number)), ("address", .string(address)), ("port", .int(Int(port))),
                                             ("outcome", .string(outcome.rawValue)), ("ms", ms(connect)),
                                             ("syn_retransmits", .int(synRetransmits)), ("attempts", .int(attempts))]
        if let proxy { fields.append(("proxy_ms", ms(proxy))) }
        if let tls { fields.append(("tls_ms", ms(tls))) }
        if let firstByte { fields.append(("first_byte_ms", ms(firstByte))) }
        if let close { fields.append(("close_ms", ms(close))) }
        if let why { fields.append(("why", .string(why))) }
        return fields
    }
}

/// What the probes came to: counts, loss, and each phase's statistics.
public struct ProbeSummary: Sendable {
    public private(set) var results: [ProbeResult] = []

    public init() {}

    public mutating func add(_ result: ProbeResult) { results.append(result) }

    public var connectTimes: [Double] { results.filter { $0.outcome == .connected || $0.outcome == .failed }.compactMap(\.connect) }

    func count(_ outcome: ProbeResult.Outcome) -> Int { results.filter { $0.outcome == outcome }.count }

    /// The phases that were timed, each with its statistics.
    public var phases: [(name: String, key: String, statistics: ProbeStatistics)] {
        let named: [(String, String, [Double])] = [("connect", "connect", connectTimes), ("proxy", "proxy", results.compactMap(\.proxy)),
                                                  ("TLS", "tls", results.compactMap(\.tls)),
                                                  ("first byte", "first_byte", results.compactMap(\.firstByte)),
                                                  ("close", "close", results.compactMap(\.close))]
        return named.compactMap { name, key, samples in ProbeStatistics(samples).map { (name, key, $0) } }
    }

    /// Connections that did not come up, in percent of the probes.
    public var loss: Double {
        results.isEmpty ? 0 : Double(count(.refused) + count(.filtered)) / Double(results.count) * 100
    }

    public var text: String {
        let failed = count(.failed)
        var lines = ["\(results.count) probe\(results.count == 1 ? "" : "s"), \(connectTimes.count) connected, \(count(.refused)) refused, \(count(.filtered)) filtered"
            + (failed > 0 ? ", \(failed) failed after connecting" : "") + " (\(Int(loss.rounded()))% loss)"]
        let retransmitted = results.reduce(0) { $0 + $1.synRetransmits }
        if retransmitted > 0 { lines[0] += ", \(retransmitted) SYN\(retransmitted == 1 ? "" : "s") sent again" }
        let width = phases.map(\.name.count).max() ?? 0
        for phase in phases {
            lines.append(phase.name + ":" + String(repeating: " ", count: width - phase.name.count + 1) + phase.statistics.text)
        }
        return lines.joined(separator: "\n")
    }

    public var json: [(String, JSONValue)] {
        var fields: [(String, JSONValue)] = [("probes", .int(results.count)), ("connected", .int(connectTimes.count)),
                                             ("refused", .int(count(.refused))), ("filtered", .int(count(.filtered))),
                                             ("failed", .int(count(.failed))), ("loss_percent", .double((loss * 10).rounded() / 10)),
                                             ("syn_retransmits", .int(results.reduce(0) { $0 + $1.synRetransmits }))]
        // The connect's statistics at the top (as before phases), every phase's under its name.
        if let connect = phases.first(where: { $0.key == "connect" }) { fields += connect.statistics.json }
        for phase in phases { fields.append((phase.key, .object(phase.statistics.json))) }
        return fields
    }
}
