/// A lesson recording (`--record`, or `--json` output) read back for `sockscope replay`: JSON
/// lines, each a `LessonEvent`, the lesson's line first. Pure: the caller reads the file.
///
/// A recording that stops short — a full disk leaves half a line, a killed run no result — is
/// replayed as far as it goes and said to end early; a line that is damaged in the middle, or a
/// number out of range, refuses the whole file with the line and the field named.
public struct LessonRecording: Sendable, Equatable {
    public var events: [LessonEvent]
    /// The line where the recording stops short of the lesson's end: the line cut off, or the one
    /// after the last when no result line closes the run. Nil for a whole recording.
    public var endsEarlyAt: Int?
    /// Whether the line at `endsEarlyAt` is there, cut off mid-line (rather than missing).
    public var cutMidLine = false

    public enum Problem: Error, Equatable, Sendable {
        /// Line `line` is not JSON, not an event, or has a field out of range (`field`).
        case damaged(line: Int, field: RecordedField.Problem?)
        /// No lesson line first: not a recording at all.
        case notARecording

        public var text: String {
            switch self {
            case .damaged(let line, nil): "line \(line) is not a lesson event"
            case .damaged(let line, let field?): "line \(line) is not a lesson event: \(field.text)"
            case .notARecording: "is not a lesson recording (no lesson line first)"
            }
        }
    }

    /// `ends early at line 47 (cut off mid-line)`, for the one line said after the replay.
    public var earlyEnding: String? {
        guard let line = endsEarlyAt else { return nil }
        return cutMidLine ? "ends early at line \(line), cut off mid-line: the rest of the lesson is not in it"
                          : "ends early at line \(line): the run stopped before the lesson's result"
    }

    public static func read(_ bytes: [UInt8]) -> Result<LessonRecording, Problem> {
        var start = 0
        // A byte-order mark, as some editors save UTF-8.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        var events: [LessonEvent] = []
        var number = 0
        var endsEarlyAt: Int?
        var cut = false
        while start < bytes.count {
            number += 1
            let newline = bytes[start...].firstIndex(of: 0x0A)
            var end = newline ?? bytes.count
            let next = newline.map { $0 + 1 } ?? bytes.count
            if end > start && bytes[end - 1] == 0x0D { end -= 1 }  // CRLF
            defer { start = next }
            if bytes[start..<end].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            let parsed = JSONReader.parse(bytes[start..<end])
            do throws(RecordedField.Problem) {
                guard let parsed else { throw .missing("kind") }
                events.append(try LessonEvent(record: parsed))
            } catch {
                // The last line, with no newline after it: where the writing stopped.
                if newline == nil {
                    endsEarlyAt = number
                    cut = true
                    break
                }
                return .failure(.damaged(line: number, field: parsed == nil || error == .missing("kind") ? nil : error))
            }
        }
        guard case .lesson? = events.first else { return .failure(.notARecording) }
        if endsEarlyAt == nil, !events.contains(where: { if case .result = $0 { true } else { false } }) {
            endsEarlyAt = number + 1
        }
        return .success(LessonRecording(events: events, endsEarlyAt: endsEarlyAt, cutMidLine: cut))
    }
}
