/// One `sock/inet_sock_set_state` line from trace_pipe:
/// `nc-22234 [000] ..... 2692.365073: inet_sock_set_state: family=AF_INET protocol=IPPROTO_TCP
/// sport=58984 dport=32989 saddr=127.0.0.1 daddr=127.0.0.1 saddrv6=… daddrv6=… oldstate=TCP_SYN_SENT
/// newstate=TCP_ESTABLISHED`
public struct TraceEvent: Sendable, Equatable {
    /// Seconds on the trace clock (the instance is set to `mono`: CLOCK_MONOTONIC).
    public var time: Double
    public var local: SocketEndpoint
    public var remote: SocketEndpoint
    public var ipv6: Bool
    public var from: TCPState
    public var to: TCPState
    /// The task that was running when the state changed: often not the socket's owner (softirq).
    public var task: String

    /// Parses a line; nil for other events, other protocols (SCTP, MPTCP) and malformed lines.
    public static func parse(_ line: Substring) -> TraceEvent? {
        guard let marker = line.range(of: ": inet_sock_set_state: ") else { return nil }
        let head = line[..<marker.lowerBound]
        // The timestamp is the last word before the event name.
        guard let stamp = head.split(separator: " ").last, let time = Double(stamp) else { return nil }
        var fields: [Substring: Substring] = [:]
        for pair in line[marker.upperBound...].split(separator: " ") {
            guard let equals = pair.firstIndex(of: "=") else { continue }
            fields[pair[..<equals]] = pair[pair.index(after: equals)...]
        }
        guard fields["protocol"] == "IPPROTO_TCP",
              let sport = fields["sport"].flatMap({ UInt16($0) }), let dport = fields["dport"].flatMap({ UInt16($0) }),
              let from = fields["oldstate"].flatMap({ TCPState(name: String($0)) }),
              let to = fields["newstate"].flatMap({ TCPState(name: String($0)) }) else { return nil }
        let ipv6 = fields["family"] == "AF_INET6"
        let source = ipv6 ? fields["saddrv6"].flatMap(IPAddress.init(text:)) : fields["saddr"].flatMap(IPAddress.init(text:))
        let destination = ipv6 ? fields["daddrv6"].flatMap(IPAddress.init(text:)) : fields["daddr"].flatMap(IPAddress.init(text:))
        guard let source, let destination else { return nil }
        let task = head.split(separator: " ").first.map(String.init) ?? ""
        return TraceEvent(time: time, local: SocketEndpoint(address: source, port: sport),
                          remote: SocketEndpoint(address: destination, port: dport),
                          ipv6: ipv6, from: from, to: to, task: task)
    }
}

extension Substring {
    func range(of needle: String) -> Range<Index>? {
        let pattern = Array(needle.utf8)
        let bytes = Array(utf8)
        guard pattern.count <= bytes.count else { return nil }
        for start in 0...(bytes.count - pattern.count) where bytes[start] == pattern[0] {
            if Array(bytes[start..<(start + pattern.count)]) == pattern {
                let lower = utf8.index(startIndex, offsetBy: start)
                return lower..<utf8.index(lower, offsetBy: pattern.count)
            }
        }
        return nil
    }
}

extension IPAddress {
    /// Parses `127.0.0.1`, `::1`, `::ffff:127.0.0.1`, `2001:db8::1`.
    public init?<S: StringProtocol>(text: S) {
        if !text.contains(":") {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            var bytes: [UInt8] = []
            for part in parts {
                guard let byte = UInt8(part) else { return nil }
                bytes.append(byte)
            }
            self.init(bytes: bytes)
            return
        }
        var head: [UInt16] = [], tail: [UInt16] = []
        var v4Tail: [UInt8] = []
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: Substring, into out: inout [UInt16]) -> Bool {
            guard !part.isEmpty else { return true }
            for word in part.split(separator: ":", omittingEmptySubsequences: false) {
                if word.contains("."), let v4 = IPAddress(text: word) {
                    v4Tail = v4.bytes
                    continue
                }
                guard word.count <= 4, let value = UInt16(word, radix: 16) else { return false }
                out.append(value)
            }
            return true
        }
        guard groups(halves[0], into: &head) else { return nil }
        if halves.count == 2 { guard groups(halves[1], into: &tail) else { return nil } }
        let v4Groups = v4Tail.isEmpty ? 0 : 2
        let missing = 8 - head.count - tail.count - v4Groups
        guard halves.count == 2 ? missing >= 0 : missing == 0 else { return nil }
        let all = head + [UInt16](repeating: 0, count: missing) + tail
        self.init(bytes: all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } + v4Tail)
    }
}

extension StringProtocol {
    func components(separatedBy separator: String) -> [Substring] {
        var parts: [Substring] = []
        var rest = Substring(self)
        while let range = rest.range(of: separator) {
            parts.append(rest[..<range.lowerBound])
            rest = rest[range.upperBound...]
        }
        parts.append(rest)
        return parts
    }
}
