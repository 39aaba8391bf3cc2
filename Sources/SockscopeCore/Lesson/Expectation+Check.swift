/// Whether an expectation holds in what was observed, and what was seen, in words: the verdict
/// line says `client is SYN_SENT` when it holds and `client is ESTABLISHED (expected SYN_SENT)`
/// when it does not.
public struct CheckResult: Hashable, Sendable {
    public var passed: Bool
    public var text: String

    public init(passed: Bool, text: String) {
        self.passed = passed
        self.text = text
    }
}

extension Expectation {
    /// `segments`: the step's segments (those captured since it began).
    public func check(_ seen: LabObservation, segments: ArraySlice<LabSegment>) -> CheckResult {
        switch self {
        case .state(let end, let state):
            let now = seen.entry(of: end)?.tcpState
            let failed = seen.errors[end.name].map { " (a call failed: \($0))" } ?? ""
            let said = now.map { "\(end) is \($0.name)" } ?? "\(end) has no socket\(failed)"
            return CheckResult(passed: now == state, text: now == state ? said : "\(said) (expected \(state.name))")
        case .noSocket(let end):
            let now = seen.entry(of: end)
            return CheckResult(passed: now == nil, text: now.map { "\(end) is still \($0.stateName)" } ?? "\(end) has no socket")
        case .error(let end, let name):
            let got = seen.errors[end.name]
            return CheckResult(passed: got == name, text: got.map { "\(end) got \($0)" + ($0 == name ? "" : " (expected \(name))") }
                                                    ?? "\(end) has no error yet (expected \(name))")
        case .segments(let match, let count):
            let found = segments.filter(match.matches).count
            return CheckResult(passed: found >= count, text: "\(found) × \(match.text)" + (found >= count ? "" : " (expected \(count))"))
        case .noSegment(let match):
            let found = segments.filter(match.matches).count
            return CheckResult(passed: found == 0, text: found == 0 ? "no \(match.text)" : "\(found) × \(match.text) (expected none)")
        case .backoff(let match, let count, let after):
            return Self.backoff(segments.filter(match.matches).map(\.segment.time), count: count, after: after, match: match)
        case .gap(let after, let then, let low, let high):
            guard let first = segments.firstIndex(where: after.matches) else {
                return CheckResult(passed: false, text: "no \(after.text) yet")
            }
            guard let next = segments[(first + 1)...].first(where: then.matches) else {
                return CheckResult(passed: false, text: "no \(then.text) after \(after.text) yet")
            }
            let gap = next.segment.time - segments[first].segment.time
            let passed = gap >= low && gap <= high
            return CheckResult(passed: passed, text: "\(then.text) \(DurationText.short(gap)) after \(after.text)"
                               + (passed ? "" : " (expected \(DurationText.short(low))–\(DurationText.short(high)))"))
        case .sendQueue(let end, let bytes):
            return Self.queue(seen.entry(of: end).map { Int($0.sendQueue) }, end: end, name: "Send-Q", atLeast: bytes)
        case .receiveQueue(let end, let bytes):
            return Self.queue(seen.entry(of: end).map { Int($0.recvQueue) }, end: end, name: "Recv-Q", atLeast: bytes)
        case .received(let end, let bytes):
            let got = seen.received[end.name] ?? 0
            return CheckResult(passed: got >= bytes, text: "\(end) read \(got) bytes" + (got >= bytes ? "" : " (expected ≥ \(bytes))"))
        case .timer(let end, let timer, let seconds):
            guard let entry = seen.entry(of: end) else { return CheckResult(passed: false, text: "\(end) has no socket") }
            let left = Double(entry.expiresMs ?? 0) / 1000
            let passed = entry.timer == timer && left >= seconds
            return CheckResult(passed: passed, text: "\(end)'s timer: \(DurationText.timer(of: entry, seconds: left))"
                               + (passed ? "" : " (expected \(timer.name) ≥ \(DurationText.short(seconds)))"))
        case .counter(let name, let count):
            let grew = seen.counters[name] ?? 0
            return CheckResult(passed: grew >= count, text: "\(name) +\(grew)" + (grew >= count ? "" : " (expected +\(count))"))
        case .peerWindowClosed(let end):
            guard let window = seen.info(of: end)?.sendWindow else {
                return CheckResult(passed: false, text: "\(end)'s peer window is unknown")
            }
            return CheckResult(passed: window == 0, text: "\(end)'s peer window is \(window)" + (window == 0 ? "" : " (expected 0)"))
        case .shortWrite(let end):
            guard let write = seen.writes[end.name] else { return CheckResult(passed: false, text: "\(end) wrote nothing") }
            let passed = write.taken < write.asked
            return CheckResult(passed: passed, text: "send() at \(end) took \(write.taken) of \(write.asked) bytes" + (passed ? "" : " (expected fewer)"))
        }
    }

    static func queue(_ bytes: Int?, end: LabEnd, name: String, atLeast: Int) -> CheckResult {
        guard let bytes else { return CheckResult(passed: false, text: "\(end) has no socket") }
        return CheckResult(passed: bytes >= atLeast, text: "\(end)'s \(name) is \(bytes)" + (bytes >= atLeast ? "" : " (expected ≥ \(atLeast))"))
    }

    /// The gaps between the times, each at least 1.5 times the one before (from the `after`th on).
    static func backoff(_ times: [Double], count: Int, after: Int, match: SegmentMatch) -> CheckResult {
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        let gapText = gaps.map { DurationText.short($0) }.joined(separator: ", ")
        guard times.count >= count else {
            return CheckResult(passed: false, text: "\(times.count) × \(match.text) (expected \(count))" + (gaps.isEmpty ? "" : ", gaps \(gapText)"))
        }
        let judged = Array(gaps.dropFirst(after))
        let doubling = zip(judged.dropFirst(), judged).allSatisfy { later, earlier in later >= earlier * 1.5 }
        return CheckResult(passed: doubling, text: "\(times.count) × \(match.text), gaps \(gapText)" + (doubling ? "" : " (expected each ≥ 1.5× the last)"))
    }
}
