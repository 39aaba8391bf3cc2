/// Lesson events as JSON lines (`--json`, `--record`) and back (`sockscope replay`): one object per
/// event, its `kind` first.
extension LessonEvent {
    public var json: JSONValue {
        switch self {
        case .lesson(let name, let title, let steps):
            .object([("kind", .string("lesson")), ("name", .string(name)), ("title", .string(title)), ("steps", .int(steps))])
        case .step(let number, let count, let title, let says):
            .object([("kind", .string("step")), ("step", .int(number)), ("of", .int(count)), ("title", .string(title)), ("says", .string(says))])
        case .action(let text): .object([("kind", .string("action")), ("text", .string(text))])
        case .holds(let names): .object([("kind", .string("holds")), ("holds", .array(names.map { .string($0) }))])
        case .segment(let time, let from, let to, let seen):
            .object([("kind", .string("segment")), ("from", .string(from)), ("to", .string(to))] + seen.fields(time: time))
        case .transition(let time, let end, let local, let remote, let from, let to):
            .object([("kind", .string("transition")), ("time", .double(time)), ("end", .string(end)),
                     ("local", LabSegment.endpoint(local)), ("remote", LabSegment.endpoint(remote)),
                     ("from", .string(from.name)), ("to", .string(to.name))])
        case .ends(let rows):
            .object([("kind", .string("ends")), ("ends", .array(rows.map { row in
                .object([("name", .string(row.name)), ("state", .string(row.state)), ("sendQ", .int(row.sendQueue)),
                         ("recvQ", .int(row.recvQueue)), ("timer", .string(row.timer))])
            }))])
        case .check(let result): .object([("kind", .string("check")), ("passed", result.passed ? .int(1) : .int(0)), ("text", .string(result.text))])
        case .verdict(let number, let passed, let seconds, let then):
            .object([("kind", .string("verdict")), ("step", .int(number)), ("passed", passed ? .int(1) : .int(0)),
                     ("seconds", .double(seconds)), ("then", then.map { .string($0) } ?? .null)])
        case .result(let name, let passed, let count):
            .object([("kind", .string("result")), ("name", .string(name)), ("passed", .int(passed)), ("of", .int(count))])
        case .problem(let text): .object([("kind", .string("problem")), ("text", .string(text))])
        case .question(let text): .object([("kind", .string("question")), ("text", .string(text))])
        case .answer(let answer):
            .object([("kind", .string("answer")), ("question", .string(answer.question)), ("given", .string(answer.given)),
                     ("truth", .string(answer.truth)), ("right", answer.right ? .int(1) : .int(0))])
        case .quizScore(let right, let count): .object([("kind", .string("quiz-score")), ("right", .int(right)), ("of", .int(count))])
        }
    }

    /// The event a recorded line holds; nil for a line that is not one (damaged, or of a newer
    /// sockscope).
    public init?(json object: JSONValue) {
        guard let event = try? LessonEvent(record: object) else { return nil }
        self = event
    }

    /// The event a recorded line holds, every number within its bounds (`RecordedField`); or
    /// which field is missing or out of range.
    public init(record object: JSONValue) throws(RecordedField.Problem) {
        typealias F = RecordedField
        switch object["kind"]?.string {
        case "lesson":
            self = .lesson(name: try F.string(object, "name"), title: try F.string(object, "title"),
                           steps: try F.int(object, "steps", in: F.steps))
        case "step":
            self = .step(number: try F.int(object, "step", in: F.steps), of: try F.int(object, "of", in: F.steps),
                         title: try F.string(object, "title"), says: try F.string(object, "says"))
        case "action":
            self = .action(try F.string(object, "text"))
        case "holds":
            guard let names = object["holds"]?.array?.compactMap(\.string) else { throw .missing("holds") }
            self = .holds(names)
        case "segment":
            let time = try F.seconds(object, "time", in: F.times)
            self = .segment(time: time, from: try F.string(object, "from"), to: try F.string(object, "to"),
                            try LabSegment(recorded: object, time: time))
        case "transition":
            guard let from = object["from"]?.string.flatMap(TCPState.init(name:)) else { throw .missing("from") }
            guard let to = object["to"]?.string.flatMap(TCPState.init(name:)) else { throw .missing("to") }
            self = .transition(time: try F.seconds(object, "time", in: F.times), end: try F.string(object, "end"),
                               local: try LabSegment.endpoint(object, "local"), remote: try LabSegment.endpoint(object, "remote"),
                               from: from, to: to)
        case "ends":
            guard let rows = object["ends"]?.array else { throw .missing("ends") }
            var ends: [EndRow] = []
            for (index, row) in rows.enumerated() {
                let field = "ends[\(index)]."
                // The queues and the timer were added after the first recordings: absent is none.
                ends.append(EndRow(name: try F.string(row, "name", as: field + "name"), state: try F.string(row, "state", as: field + "state"),
                                   sendQueue: row["sendQ"] == nil ? 0 : try F.int(row, "sendQ", in: F.queues, as: field + "sendQ"),
                                   recvQueue: row["recvQ"] == nil ? 0 : try F.int(row, "recvQ", in: F.queues, as: field + "recvQ"),
                                   timer: try F.optionalString(row, "timer", as: field + "timer") ?? ""))
            }
            self = .ends(ends)
        case "check":
            guard let passed = object["passed"]?.int else { throw .missing("passed") }
            self = .check(CheckResult(passed: passed == 1, text: try F.string(object, "text")))
        case "verdict":
            guard let passed = object["passed"]?.int else { throw .missing("passed") }
            self = .verdict(number: try F.int(object, "step", in: F.steps), passed: passed == 1,
                            seconds: try F.seconds(object, "seconds", in: F.durations), then: try F.optionalString(object, "then"))
        case "result":
            self = .result(name: try F.string(object, "name"), passed: try F.int(object, "passed", in: F.steps),
                           of: try F.int(object, "of", in: F.steps))
        case "problem":
            self = .problem(try F.string(object, "text"))
        case "question":
            self = .question(try F.string(object, "text"))
        case "answer":
            guard let right = object["right"]?.int else { throw .missing("right") }
            self = .answer(Quiz.Answer(question: try F.string(object, "question"), given: try F.string(object, "given"),
                                       truth: try F.string(object, "truth"), right: right == 1))
        case "quiz-score":
            self = .quizScore(right: try F.int(object, "right", in: F.answers), of: try F.int(object, "of", in: F.answers))
        default:
            throw .missing("kind")
        }
    }
}
