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
        }
    }

    /// The event a recorded line holds; nil for a line that is not one (damaged, or of a newer
    /// sockscope).
    public init?(json object: JSONValue) {
        switch object["kind"]?.string {
        case "lesson":
            guard let name = object["name"]?.string, let title = object["title"]?.string, let steps = object["steps"]?.int else { return nil }
            self = .lesson(name: name, title: title, steps: steps)
        case "step":
            guard let number = object["step"]?.int, let count = object["of"]?.int, let title = object["title"]?.string,
                  let says = object["says"]?.string else { return nil }
            self = .step(number: number, of: count, title: title, says: says)
        case "action":
            guard let text = object["text"]?.string else { return nil }
            self = .action(text)
        case "holds":
            guard let names = object["holds"]?.array?.compactMap(\.string) else { return nil }
            self = .holds(names)
        case "segment":
            guard let time = object["time"]?.double, let from = object["from"]?.string, let to = object["to"]?.string,
                  let seen = LabSegment(record: object, time: time) else { return nil }
            self = .segment(time: time, from: from, to: to, seen)
        case "transition":
            guard let time = object["time"]?.double, let end = object["end"]?.string,
                  let local = LabSegment.endpoint(object["local"]), let remote = LabSegment.endpoint(object["remote"]),
                  let from = object["from"]?.string.flatMap(TCPState.init(name:)), let to = object["to"]?.string.flatMap(TCPState.init(name:))
            else { return nil }
            self = .transition(time: time, end: end, local: local, remote: remote, from: from, to: to)
        case "ends":
            guard let rows = object["ends"]?.array else { return nil }
            self = .ends(rows.compactMap { row in
                guard let name = row["name"]?.string, let state = row["state"]?.string else { return nil }
                return EndRow(name: name, state: state, sendQueue: row["sendQ"]?.int ?? 0, recvQueue: row["recvQ"]?.int ?? 0,
                              timer: row["timer"]?.string ?? "")
            })
        case "check":
            guard let passed = object["passed"]?.int, let text = object["text"]?.string else { return nil }
            self = .check(CheckResult(passed: passed == 1, text: text))
        case "verdict":
            guard let number = object["step"]?.int, let passed = object["passed"]?.int, let seconds = object["seconds"]?.double else { return nil }
            self = .verdict(number: number, passed: passed == 1, seconds: seconds, then: object["then"]?.string)
        case "result":
            guard let name = object["name"]?.string, let passed = object["passed"]?.int, let count = object["of"]?.int else { return nil }
            self = .result(name: name, passed: passed, of: count)
        case "problem":
            guard let text = object["text"]?.string else { return nil }
            self = .problem(text)
        default:
            return nil
        }
    }
}
