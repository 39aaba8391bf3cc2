/// What the lesson screen shows, built from lesson events alone — the live run's as they happen,
/// or a recording's (`sockscope replay`) — so that both draw the same: the step and its narration,
/// the checks, both ends' table, the holds in force, and a ladder for each connection.
public struct LessonScreenModel: Sendable {
    public struct Step: Sendable, Equatable {
        public var number: Int
        public var title: String
        public var says: String
        public var actions: [String] = []
        public var checks: [CheckResult] = []
        public var passed: Bool?
        public var then: String?
        /// --quiz: the step's answers, scored.
        public var answers: [Quiz.Answer] = []
    }

    public private(set) var name = ""
    public private(set) var title = ""
    public private(set) var stepCount = 0
    public private(set) var steps: [Step] = []
    public private(set) var ends: [EndRow] = []
    public private(set) var holds: [String] = []
    public private(set) var ladders: [Ladder] = []
    /// The ladder of the latest segment: the connection the lesson is about right now.
    public private(set) var latestLadder: Int?
    /// A connection the viewer chose with ←/→ (nil: follow the latest).
    public var chosenLadder: Int?
    /// How many rows before the last the ladder's selection is (↑/↓, PgUp/PgDn).
    public var ladderBack = 0
    public var shownLadder: Int? { chosenLadder.flatMap { ladders.indices.contains($0) ? $0 : nil } ?? latestLadder }
    /// Segments a hold dropped, marked ✗ on the ladder.
    public private(set) var dropped: Set<Segment> = []
    /// Each end's name by its endpoints, for the ladder's column heads.
    public private(set) var names: [ConnectionKey: String] = [:]
    public private(set) var result: (passed: Int, of: Int)?
    /// --quiz: the answers right, of all asked.
    public private(set) var quizScore: (right: Int, of: Int)?
    public private(set) var problem: String?
    /// A replayed recording that stops short: said once its last line is shown.
    public var endsEarly: String?
    var pending: [(time: Double, entry: SocketEntry, state: TCPState)] = []
    /// The step a key would run next, announced while the screen waits (the live run takes it
    /// from the lesson, a replay from the recording's next step).
    public struct Upcoming: Sendable, Equatable {
        public var number: Int
        public var title: String
        public var says: String
        /// Its texts escaped, as every event's (a replay's come from the recording).
        public init(number: Int, title: String, says: String) {
            self.number = number
            self.title = title.terminalSafe
            self.says = says.terminalSafe
        }
    }

    public var upcoming: Upcoming?
    /// `n`: the narration has the screen (the ladder what is left), to read a long step whole.
    public var narrationWhole = false
    /// `b` or --big: the projector view — the ladder has the screen, the ends' table and the
    /// narration one line each.
    public var big = false
    /// --quiz on the screen: the question asked and what has been typed so far.
    public var asking: (question: String, typed: String)?
    /// Whether the next step waits for a key (the live screen sets it; a replay's steps always do).
    public var waitingForKey = false

    public init() {}

    public var current: Step? { steps.last }
    public var ladder: Ladder? { shownLadder.map { ladders[$0] } }

    /// Takes in an event, its texts escaped (a replayed recording's can hold anything).
    public mutating func apply(_ event: LessonEvent) {
        switch event.escaped {
        case .lesson(let name, let title, let count):
            self.name = name
            self.title = title
            stepCount = count
        case .step(let number, _, let title, let says):
            steps.append(Step(number: number, title: title, says: says))
        case .action(let text):
            if !steps.isEmpty { steps[steps.count - 1].actions.append(text) }
        case .holds(let names):
            holds = names
        case .segment(let time, let from, let to, let seen):
            var segment = seen.segment
            // Times since the lesson began, live or replayed alike.
            segment.time = time
            let proto = segment.frame.proto
            names[ConnectionKey(proto: proto, local: segment.frame.source, remote: segment.frame.destination)] = from
            names[ConnectionKey(proto: proto, local: segment.frame.destination, remote: segment.frame.source)] = to
            if seen.dropped { dropped.insert(segment) }
            let index = ladders.firstIndex { $0.carries(segment) } ?? {
                ladders.append(Ladder(left: segment.initiator, right: segment.responder))
                return ladders.count - 1
            }()
            ladders[index].add(segment)
            latestLadder = index
            // States told before the connection's first segment (CLOSE → SYN_SENT) join it now.
            pending.removeAll { waiting in
                guard ladders[index].side(of: waiting.entry) != nil else { return false }
                ladders[index].add(state: waiting.state, of: waiting.entry, at: waiting.time)
                return true
            }
        case .transition(let time, _, let local, let remote, _, let to):
            let entry = SocketEntry(proto: local.address.isIPv6 ? .tcp6 : .tcp, local: local, remote: remote, stateCode: to.rawValue,
                                    sendQueue: 0, recvQueue: 0, timer: .none, timerTicks: 0, retransmits: 0, uid: 0, inode: 0)
            let matching = ladders.indices.filter { ladders[$0].side(of: entry) != nil }
            for index in matching { ladders[index].add(state: to, of: entry, at: time) }
            if matching.isEmpty && pending.count < 64 { pending.append((time, entry, to)) }
        case .ends(let rows):
            ends = rows
        case .check(let result):
            if !steps.isEmpty { steps[steps.count - 1].checks.append(result) }
        case .verdict(_, let passed, _, let then):
            if !steps.isEmpty {
                steps[steps.count - 1].passed = passed
                steps[steps.count - 1].then = then
            }
        case .result(_, let passed, let count):
            result = (passed, count)
        case .problem(let text):
            problem = text
        case .question:
            break  // the screen's quiz asks on its own line; the answers are what it keeps
        case .answer(let answer):
            if !steps.isEmpty { steps[steps.count - 1].answers.append(answer) }
        case .quizScore(let right, let count):
            quizScore = (right, count)
        }
    }

    /// ←/→: the previous or next connection; past either end, back to following the latest.
    public mutating func chooseLadder(by step: Int) {
        guard !ladders.isEmpty else { return }
        let next = (shownLadder ?? 0) + step
        chosenLadder = ladders.indices.contains(next) ? next : nil
        ladderBack = 0
    }

    /// ↑/↓ and PgUp/PgDn: the selection moves back (up) or forward through the rows.
    public mutating func moveLadderSelection(by rows: Int, rowCount: Int) {
        ladderBack = max(0, min(max(0, rowCount - 1), ladderBack + rows))
    }

    /// The heads of a ladder's columns: each end's name and address.
    public func heads(of ladder: Ladder) -> (left: String, right: String) {
        // A ladder is a TCP connection's.
        let proto: SocketProtocol = ladder.left.address.isIPv6 ? .tcp6 : .tcp
        let left = names[ConnectionKey(proto: proto, local: ladder.left, remote: ladder.right)]
        let right = names[ConnectionKey(proto: proto, local: ladder.right, remote: ladder.left)]
        // An address no end of the lesson has is named by itself, once.
        func head(_ name: String?, _ endpoint: SocketEndpoint) -> String {
            guard let name, name != endpoint.description else { return endpoint.description }
            return "\(name) \(endpoint)"
        }
        return (head(left, ladder.left), head(right, ladder.right))
    }

    /// Every connection's ladder for `--ladder FILE.svg`, in the order they came, each end named,
    /// the segments a hold dropped marked.
    public var svgPanels: [LadderSVG.Panel] {
        ladders.map { ladder in
            let heads = heads(of: ladder)
            return LadderSVG.Panel(ladder, leftTitle: heads.left, rightTitle: heads.right, dropped: dropped.filter { ladder.carries($0) })
        }
    }
}
