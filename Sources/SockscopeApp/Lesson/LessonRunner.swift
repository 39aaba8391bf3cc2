import CLinux
import Glibc
import SockscopeCore
import SockscopeTransport

/// Runs a lesson's steps in a lab, telling each event to `tell` as it happens: the step, its
/// actions, the segments and transitions the kernel showed, the checks and the verdict. Every
/// check is against what the lab observed of the kernel. Stops at the first failed step (what
/// follows builds on it) and at an ending signal.
final class LessonRunner {
    let lesson: Lesson
    let lab: any Lab
    let io: SystemIO
    let signalFD: Int32
    let ends: [LabEnd]
    let startMonotonic: Double
    let startWall: Double
    /// Ends that have had a socket (a gone one shows `-`), and the table last told.
    var known: Set<String> = []
    var lastShape: [String] = []
    var lastRows: [EndRow] = []
    /// The traced records made transitions (a handoff to a timewait socket settled at once by an
    /// exact lookup: a lab has a few sockets, and its steps wait on them).
    var observer = TransitionObserver(tracing: true)
    /// Ends whose request socket's SYN_RECV was told from the table.
    var requestsTold: Set<String> = []
    var endsToldAt = 0.0
    /// The ends a call has been made on so far (`LabEnd.shown`).
    var introduced: Set<String> = []

    /// The ends the table and the names stand for now: a later end with an earlier one's
    /// addresses takes them over once a call has made it and the socket there is not the
    /// earlier one's TIME_WAIT (time-wait's `client again` fails with EADDRINUSE while the old
    /// client's TIME_WAIT holds them).
    var shownEnds: [LabEnd] {
        let made = introduced.filter { name in
            guard let end = ends.first(where: { $0.name == name }), let entry = lab.observation.entry(of: end) else { return true }
            return entry.state != .tcp(.timeWait)
        }
        return LabEnd.shown(ends, introduced: made)
    }
    /// On the screen, the table's queues and countdowns are told this often (seconds) when they
    /// changed; a script hears them at each verdict.
    var endsEvery: Double?
    /// Called with each event; throws to stop the run (standard output failed).
    let tell: (LessonEvent) throws(LessonMode.Stop) -> Void
    /// How long a round waits for the capture, nflog or the tracepoint before looking again:
    /// while a step runs, and while the screen waits for the teacher (segments, the tracepoint
    /// and keys wake it at once; the table's countdowns need no more).
    static let roundSeconds = 0.01
    static let idleRoundSeconds = 0.1
    /// The screen's keyboard, read between rounds while a step runs (q leaves, r restarts).
    var keyboard: Int32 = -1
    var onKeys: () throws(LessonMode.Stop) -> Void = { () throws(LessonMode.Stop) in }
    /// Called once a round's events are told (the screen draws then, not at every event).
    var afterRound: () -> Void = {}
    /// A signal that does not end the run (the screen's SIGWINCH, SIGTSTP): true when handled.
    var onSignal: (Int32) -> Bool = { _ in false }
    /// --quiz: asks a question (already told) and returns the answer ("" for none).
    var ask: ((String) throws(LessonMode.Stop) -> String)?
    /// --quiz: the answers right, of those asked.
    var quizRight = 0
    var quizAsked = 0

    init(lesson: Lesson, lab: any Lab, io: SystemIO, signalFD: Int32,
         tell: @escaping (LessonEvent) throws(LessonMode.Stop) -> Void) {
        self.lesson = lesson
        self.lab = lab
        self.io = io
        self.signalFD = signalFD
        self.tell = tell
        ends = lesson.ends
        startMonotonic = io.monotonic()
        startWall = io.wallClock()
    }

    /// The steps that passed, or a `Stop` (a signal, a failed output).
    func run(advance: (Int) throws(LessonMode.Stop) -> Void = { _ throws(LessonMode.Stop) in }) throws(LessonMode.Stop) -> Int {
        try tell(.lesson(name: lesson.name, title: lesson.title, steps: lesson.steps.count))
        var passed = 0
        for (index, step) in lesson.steps.enumerated() {
            try advance(index)
            guard try run(step, number: index + 1) else { break }
            passed += 1
        }
        try tell(.result(name: lesson.name, passed: passed, of: lesson.steps.count))
        if ask != nil { try tell(.quizScore(right: quizRight, of: quizAsked)) }
        return passed
    }

    func run(_ step: LessonStep, number: Int) throws(LessonMode.Stop) -> Bool {
        try tell(.step(number: number, of: lesson.steps.count, title: step.title, says: step.says))
        // Predict, then see: each end's state and the segment that brings it there, asked
        // before the step's calls (and so before its hold is released).
        var predictions: [(end: LabEnd, state: String, segment: String)] = []
        if let ask {
            for end in Quiz.ends(of: step) {
                let state = try question(Quiz.stateQuestion(end), ask)
                let segment = try question(Quiz.segmentQuestion(end), ask)
                predictions.append((end, state, segment))
            }
        }
        let began = io.monotonic()
        let first = lab.observation.segments.count
        lab.readsCounters = step.expect.contains { if case .counter = $0 { true } else { false } }
        for action in step.actions {
            if case .pause(let seconds) = action {
                try tell(.action(action.text))
                try observe(until: io.monotonic() + max(0, min(seconds, 600))) { false }
                continue
            }
            if let end = action.end { introduced.insert(end.name) }
            do {
                try lab.perform(action)
            } catch {
                try tell(.action(action.text))
                try tell(.problem(error.description))
                return false
            }
            // The call with what it returned, as strace writes it: `send() … = 65536 of 1000000`.
            try tell(.action(action.text + (lab.lastResult.map { " = \($0)" } ?? "")))
            switch action {
            case .hold, .release: try tell(.holds(lab.heldNames))
            default: break
            }
        }
        var results: [CheckResult] = []
        let deadline = began + max(0.1, step.within)
        try observe(until: deadline) {
            results = step.expect.map { $0.check(lab.observation, segments: lab.observation.segments[first...]) }
            return results.allSatisfy(\.passed)
        }
        // One more round, so that the last segments' drops are known, then tell them all. The
        // verdict is the kernel's at the moment everything held; a step that timed out is
        // judged once more, with those late drops.
        let heldAtOnce = results.allSatisfy(\.passed)
        try observe(until: io.monotonic() + Self.roundSeconds) { false }
        for seen in lab.flush() { try tell(segmentEvent(seen)) }
        if !heldAtOnce { results = step.expect.map { $0.check(lab.observation, segments: lab.observation.segments[first...]) } }
        try tellEnds(always: true)
        for result in results { try tell(.check(result)) }
        // The answers against what the kernel did: the end's socket now, the step's segments.
        let stepSegments = lab.observation.segments[first...].map(\.segment)
        for prediction in predictions {
            let actual = lab.observation.entry(of: prediction.end)?.state.tcp
            for answer in [Quiz.scoreState(prediction.end, given: prediction.state, actual: actual),
                           Quiz.scoreSegment(prediction.end, given: prediction.segment, segments: stepSegments)] {
                quizAsked += 1
                if answer.right { quizRight += 1 }
                try tell(.answer(answer))
            }
        }
        let passed = results.allSatisfy(\.passed)
        try tell(.verdict(number: number, passed: passed, seconds: io.monotonic() - began, then: step.then))
        return passed
    }

    func question(_ text: String, _ ask: (String) throws(LessonMode.Stop) -> String) throws(LessonMode.Stop) -> String {
        try tell(.question(text))
        return try ask(text)
    }

    /// Rounds of the lab until `done` says so, with no deadline: while the screen waits for the
    /// teacher, a held state stays live (its retransmissions, its timers).
    func idle(until done: () -> Bool) throws(LessonMode.Stop) {
        try observe(until: .infinity, round: Self.idleRoundSeconds, done: done)
    }

    /// Rounds of the lab until `done` says so or the deadline passes; a signal stops the run.
    func observe(until deadline: Double, round seconds: Double = roundSeconds, done: () -> Bool) throws(LessonMode.Stop) {
        while true {
            let round = lab.round()
            for seen in round.segments { try tell(segmentEvent(seen)) }
            for event in round.transitions {
                // Already told from the table, when the request socket appeared.
                if event.from == .listen, event.to == .synRecv, requestsTold.contains(name(event.local, event.remote)) { continue }
                // The tracepoint sees a closing socket enter CLOSE as its timewait socket takes
                // over; the observer tells the state the connection is really in.
                for transition in observer.traced(event, settle: lab.timewaitState) {
                    guard let from = transition.from?.tcp, let to = transition.to?.tcp else { continue }
                    let entry = transition.entry
                    try tell(.transition(time: transition.time - startMonotonic, end: name(entry.local, entry.remote),
                                         local: entry.local, remote: entry.remote, from: from, to: to))
                }
            }
            try tellEnds(always: false)
            afterRound()
            if let every = endsEvery, io.monotonic() - endsToldAt >= every {
                endsToldAt = io.monotonic()
                try tellEnds(always: true)
            }
            if done() || io.monotonic() >= deadline { return }
            var set = PollSet<Int>()
            set.watch(signalFD, POLLIN, as: -1)
            if keyboard >= 0 { set.watch(keyboard, POLLIN, as: -2) }
            for fd in lab.descriptors { set.watch(fd, POLLIN, as: Int(fd)) }
            let wait = min(seconds, max(0, deadline - io.monotonic()))
            guard (try? set.wait(timeout: Milliseconds.clamped(wait))) == true else { continue }
            if set.revents(of: -1) != 0 {
                let signal = clinux_read_signal(signalFD)
                if signal != 0 && !onSignal(signal) { throw LessonMode.Stop(status: .signal(signal)) }
            }
            if set.revents(of: -2) != 0 { try onKeys() }
        }
    }

    /// The ends' table, when a state or a timer's kind changed (or `always`, at a verdict):
    /// queues and countdowns change every round, and are told at the verdicts.
    func tellEnds(always: Bool) throws(LessonMode.Stop) {
        let rows = lab.observation.rows(of: shownEnds, known: known)
        for row in rows where row.state != "-" { known.insert(row.name) }
        // A request socket (the server's end before the handshake completes) is in the table
        // but never on the tracepoint, which sees only the full socket made at the end: its
        // SYN_RECV is told from the table, once, so that a held one is on the ladder too.
        for row in rows where row.state == TCPState.synRecv.name && !requestsTold.contains(row.name) {
            guard let end = ends.first(where: { $0.name == row.name }), let remote = end.remote,
                  ends.contains(where: { $0.remote == nil && !$0.datagram && $0.local == end.local }) else { continue }
            requestsTold.insert(row.name)
            try tell(.transition(time: io.monotonic() - startMonotonic, end: end.name, local: end.local, remote: remote,
                                 from: .listen, to: .synRecv))
        }
        let shape = rows.map { "\($0.name) \($0.state) \($0.timer.split(separator: " ").first ?? "")" }
        guard always ? rows != lastRows : shape != lastShape else { return }
        lastShape = shape
        lastRows = rows
        try tell(.ends(rows))
    }

    func segmentEvent(_ seen: LabSegment) -> LessonEvent {
        let frame = seen.segment.frame
        return .segment(time: seen.segment.time - startWall, from: name(frame.source, frame.destination),
                        to: name(frame.destination, frame.source), seen)
    }

    /// An end's name; a connecting socket's first transition has no port yet, so its peer says.
    /// Addresses two ends share (`client again`) name the one a call has made last.
    func name(_ local: SocketEndpoint, _ remote: SocketEndpoint) -> String {
        let current = shownEnds + ends
        if local.port == 0, let end = current.first(where: { $0.remote == remote && $0.local.address == local.address }) { return end.name }
        return Lesson.name(of: local, talkingTo: remote, among: current)
    }
}
