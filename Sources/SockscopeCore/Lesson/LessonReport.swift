/// How a lesson's run is told, line by line: to a script (`--script`), as JSON lines (`--json`),
/// in a recording, and on the screen's narration pane — one wording for all. Times are seconds
/// since the lesson began.
public enum LessonEvent: Sendable, Equatable {
    case lesson(name: String, title: String, steps: Int)
    case step(number: Int, of: Int, title: String, says: String)
    case action(LabAction)
    case segment(time: Double, from: String, to: String, LabSegment)
    case transition(time: Double, end: String, from: TCPState, to: TCPState)
    case check(CheckResult)
    case verdict(number: Int, passed: Bool, seconds: Double, then: String?)
    case result(name: String, passed: Int, of: Int)
    /// The lab could not do what the step asked (nft or tc failed): the run stops.
    case problem(String)

    public var line: String {
        switch self {
        case .lesson(let name, let title, let steps): "lesson \(name): \(title) (\(steps) steps)"
        case .step(let number, let count, let title, let says): "\nstep \(number)/\(count): \(title)\n  \(says)"
        case .action(let action): "  do     \(action.text)"
        case .segment(let time, let from, let to, let seen):
            "  seg    \(Self.clock(time)) \(from) → \(to) \(seen.segment.summary)\(seen.dropped ? " ✗ dropped" : "")"
        case .transition(let time, let end, let from, let to): "  state  \(Self.clock(time)) \(end) \(from.name) → \(to.name)"
        case .check(let result): "  \(result.passed ? "ok  " : "FAIL")   \(result.text)"
        case .verdict(let number, let passed, let seconds, let then):
            (passed ? "passed step \(number) in \(DurationText.short(seconds))" : "FAILED step \(number) after \(DurationText.short(seconds))")
                + (passed ? then.map { "\n  \($0)" } ?? "" : "")
        case .result(let name, let passed, let count): "\nlesson \(name): \(passed) of \(count) steps passed"
        case .problem(let text): "lab failed: \(text)"
        }
    }

    public var json: JSONValue {
        switch self {
        case .lesson(let name, let title, let steps):
            .object([("kind", .string("lesson")), ("name", .string(name)), ("title", .string(title)), ("steps", .int(steps))])
        case .step(let number, let count, let title, let says):
            .object([("kind", .string("step")), ("step", .int(number)), ("of", .int(count)), ("title", .string(title)), ("says", .string(says))])
        case .action(let action): .object([("kind", .string("action")), ("text", .string(action.text))])
        case .segment(let time, let from, let to, let seen):
            .object([("kind", .string("segment")), ("time", .double(time)), ("from", .string(from)), ("to", .string(to)),
                     ("flags", .string(seen.segment.tcp?.flags.letters ?? "")), ("summary", .string(seen.segment.summary)),
                     ("dropped", seen.dropped ? .int(1) : .int(0))])
        case .transition(let time, let end, let from, let to):
            .object([("kind", .string("transition")), ("time", .double(time)), ("end", .string(end)),
                     ("from", .string(from.name)), ("to", .string(to.name))])
        case .check(let result): .object([("kind", .string("check")), ("passed", result.passed ? .int(1) : .int(0)), ("text", .string(result.text))])
        case .verdict(let number, let passed, let seconds, _):
            .object([("kind", .string("verdict")), ("step", .int(number)), ("passed", passed ? .int(1) : .int(0)), ("seconds", .double(seconds))])
        case .result(let name, let passed, let count):
            .object([("kind", .string("result")), ("name", .string(name)), ("passed", .int(passed)), ("of", .int(count))])
        case .problem(let text): .object([("kind", .string("problem")), ("text", .string(text))])
        }
    }

    /// `  1.234` seconds, right-aligned to a lesson's length.
    static func clock(_ seconds: Double) -> String {
        let millis = Int((max(0, seconds) * 1000).rounded())
        let text = "\(millis / 1000).\((millis % 1000).zeroPadded(3))"
        return String(repeating: " ", count: max(0, 7 - text.count)) + text
    }
}

extension Lesson {
    /// Every end the lesson's steps name.
    public var ends: [LabEnd] {
        var seen: [LabEnd] = []
        func add(_ end: LabEnd) { if !seen.contains(end) { seen.append(end) } }
        for step in steps {
            for action in step.actions {
                switch action {
                case .listen(let end, _), .connect(let end), .accept(let end), .send(let end, _),
                     .read(let end), .stopReading(let end), .shutdown(let end), .close(let end), .abort(let end),
                     .receiveBuffer(let end, _), .reuseAddress(let end), .openDatagram(let end), .sendDatagram(let end, _, _):
                    add(end)
                    if !end.datagram, end.remote != nil, end.name.hasPrefix("client") { add(.server(of: end)) }
                case .hold, .release, .slowWire, .sysctl, .pause: break
                }
            }
        }
        return seen
    }

    /// The name of the end at `local` talking to `remote` (a listener's when no connection's
    /// matches): how segments and transitions are told.
    public static func name(of local: SocketEndpoint, talkingTo remote: SocketEndpoint, among ends: [LabEnd]) -> String {
        if let end = ends.first(where: { $0.local == local && $0.remote == remote }) { return end.name }
        if local.port != 0, let end = ends.first(where: { $0.local == local && ($0.remote == nil || $0.datagram) }) { return end.name }
        return local.description
    }
}
