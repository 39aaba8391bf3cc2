/// How a lesson's run is told, line by line: to a script (`--script`), as JSON lines (`--json`),
/// in a recording, and on the screen's narration pane — one wording for all. Times are seconds
/// since the lesson began.
public enum LessonEvent: Sendable, Equatable {
    case lesson(name: String, title: String, steps: Int)
    case step(number: Int, of: Int, title: String, says: String)
    /// What the lab did, in words (`LabAction.text`).
    case action(String)
    /// The holds in force after a hold or a release, by name.
    case holds([String])
    case segment(time: Double, from: String, to: String, LabSegment)
    case transition(time: Double, end: String, local: SocketEndpoint, remote: SocketEndpoint, from: TCPState, to: TCPState)
    /// Each end's socket as the table shows it, when a state or timer changed and at each verdict.
    case ends([EndRow])
    case check(CheckResult)
    case verdict(number: Int, passed: Bool, seconds: Double, then: String?)
    case result(name: String, passed: Int, of: Int)
    /// The lab could not do what the step asked (nft or tc failed): the run stops.
    case problem(String)
    /// --quiz: a question asked before the step runs.
    case question(String)
    /// --quiz: an answer, scored once the step has run.
    case answer(Quiz.Answer)
    /// --quiz: the answers right, of all asked, at the end.
    case quizScore(right: Int, of: Int)

    /// The script's line. Every text in it is escaped (`escaped`): a recording's can be anything.
    public var line: String { escaped.rawLine }

    /// The event with every text that reaches a person escaped for a terminal (control
    /// characters, bidirectional overrides, backslashes: `terminalSafe`). A recording travels
    /// from hand to hand; its strings are as hostile as a peer's bytes. Names the kernel's own
    /// (a state, a marker) are parsed, never copied, so they need nothing.
    public var escaped: LessonEvent {
        switch self {
        case .lesson(let name, let title, let steps): .lesson(name: name.terminalSafe, title: title.terminalSafe, steps: steps)
        case .step(let number, let count, let title, let says):
            .step(number: number, of: count, title: title.terminalSafe, says: says.terminalSafe)
        case .action(let text): .action(text.terminalSafe)
        case .holds(let names): .holds(names.map(\.terminalSafe))
        case .segment(let time, let from, let to, let seen): .segment(time: time, from: from.terminalSafe, to: to.terminalSafe, seen)
        case .transition(let time, let end, let local, let remote, let from, let to):
            .transition(time: time, end: end.terminalSafe, local: local, remote: remote, from: from, to: to)
        case .ends(let rows):
            .ends(rows.map { EndRow(name: $0.name.terminalSafe, state: $0.state.terminalSafe, sendQueue: $0.sendQueue,
                                    recvQueue: $0.recvQueue, timer: $0.timer.terminalSafe) })
        case .check(let result): .check(CheckResult(passed: result.passed, text: result.text.terminalSafe))
        case .verdict(let number, let passed, let seconds, let then):
            .verdict(number: number, passed: passed, seconds: seconds, then: then?.terminalSafe)
        case .result(let name, let passed, let count): .result(name: name.terminalSafe, passed: passed, of: count)
        case .problem(let text): .problem(text.terminalSafe)
        case .question(let text): .question(text.terminalSafe)
        case .answer(let answer):
            .answer(Quiz.Answer(question: answer.question.terminalSafe, given: answer.given.terminalSafe, truth: answer.truth.terminalSafe,
                                right: answer.right))
        case .quizScore(let right, let count): .quizScore(right: right, of: count)
        }
    }

    var rawLine: String {
        switch self {
        case .lesson(let name, let title, let steps): "lesson \(name): \(title) (\(steps) steps)"
        case .step(let number, let count, let title, let says): "\nstep \(number)/\(count): \(title)\n  \(says)"
        case .action(let text): "  do     \(text)"
        case .holds(let names): "  holds  \(names.isEmpty ? "none" : names.joined(separator: ", "))"
        case .segment(let time, let from, let to, let seen):
            "  seg    \(Self.clock(time)) \(from) → \(to) \(seen.segment.summary)\(seen.dropped ? " ✗ dropped" : "")"
        case .transition(let time, let end, _, _, let from, let to): "  state  \(Self.clock(time)) \(end) \(from.name) → \(to.name)"
        case .ends(let rows): "  ends   " + rows.map(\.text).joined(separator: " · ")
        case .check(let result): "  \(result.passed ? "ok  " : "FAIL")   \(result.text)"
        case .verdict(let number, let passed, let seconds, let then):
            (passed ? "passed step \(number) in \(DurationText.short(seconds))" : "FAILED step \(number) after \(DurationText.short(seconds))")
                + (passed ? then.map { "\n  \($0)" } ?? "" : "")
        case .result(let name, let passed, let count): "\nlesson \(name): \(passed) of \(count) steps passed"
        case .problem(let text): "lab failed: \(text)"
        case .question(let text): "  quiz?  \(text)"
        case .answer(let answer):
            "  quiz   \(answer.right ? "right" : "wrong")  \(answer.question): \(answer.given.isEmpty ? "(no answer)" : answer.given) · the kernel: \(answer.truth)"
        case .quizScore(let right, let count): "quiz: \(right) of \(count) answers right"
        }
    }

    /// `  1.234` seconds, right-aligned to a lesson's length.
    static func clock(_ seconds: Double) -> String {
        // Bounded before the conversion (a billion seconds is far past any lesson).
        let millis = Int((min(max(0, seconds.isFinite ? seconds : 0), 1e9) * 1000).rounded())
        let text = "\(millis / 1000).\((millis % 1000).zeroPadded(3))"
        return String(repeating: " ", count: max(0, 7 - text.count)) + text
    }
}

/// One end's socket as the lesson's table shows it.
public struct EndRow: Hashable, Sendable {
    public var name: String
    /// The kernel's name of its state (`SYN_SENT`, UDP's `UNCONN`), or `-` when it has no socket.
    public var state: String
    public var sendQueue: Int
    public var recvQueue: Int
    /// `timewait 59.3s`, `on 200ms`; empty when no timer runs.
    public var timer: String

    public init(name: String, state: String, sendQueue: Int = 0, recvQueue: Int = 0, timer: String = "") {
        self.name = name
        self.state = state
        self.sendQueue = sendQueue
        self.recvQueue = recvQueue
        self.timer = timer
    }

    /// `client FIN_WAIT1`, with the queues and timer when there are any.
    public var text: String {
        var words = "\(name) \(state)"
        if sendQueue > 0 || recvQueue > 0 { words += " (Send-Q \(sendQueue), Recv-Q \(recvQueue))" }
        if !timer.isEmpty { words += " [\(timer)]" }
        return words
    }
}

extension LabObservation {
    /// The ends' rows, in the order given; ends without a socket are left out unless they had one
    /// before (`known`): a socket that is gone shows `-`.
    public func rows(of ends: [LabEnd], known: Set<String>) -> [EndRow] {
        ends.compactMap { end in
            guard let entry = entry(of: end) else { return known.contains(end.name) ? EndRow(name: end.name, state: "-") : nil }
            let timer = entry.timer == .none ? "" : DurationText.timer(of: entry, seconds: Double(entry.expiresMs ?? 0) / 1000)
            return EndRow(name: end.name, state: entry.stateName, sendQueue: Int(entry.sendQueue), recvQueue: Int(entry.recvQueue), timer: timer)
        }
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
                     .read(let end), .shutdown(let end), .close(let end), .abort(let end),
                     .receiveBuffer(let end, _), .reuseAddress(let end), .openDatagram(let end), .sendDatagram(let end, _, _),
                     .userTimeout(let end, _), .deferAccept(let end, _):
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

extension LabEnd {
    /// The ends the table shows so far: an end with the same addresses as one before it in the
    /// lesson (`client again` after `client`) is the same row of the kernel's table, so it
    /// appears only once a call has made it — and then stands for those addresses instead of the
    /// older one. (Step 1 of time-wait listed `client again` before that socket existed.)
    public static func shown(_ ends: [LabEnd], introduced: Set<String>) -> [LabEnd] {
        var shown: [LabEnd] = []
        for end in ends {
            let twin = shown.firstIndex { $0.local == end.local && $0.remote == end.remote && $0.datagram == end.datagram }
            guard let twin else {
                shown.append(end)
                continue
            }
            if introduced.contains(end.name) { shown[twin] = end }
        }
        return shown
    }
}
