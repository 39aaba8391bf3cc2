import Glibc
import Testing
import TestSupport

/// `replay FILE --ladder out.svg` (no root: from the recorded `close` lesson) and `lesson NAME
/// --ladder out.svg` (root, a lab): every connection's ladder for a slide, its ends named, the
/// segments a hold dropped marked; a hostile recording's text escaped; a run that does not
/// happen leaves the file as it was.
@Suite(.serialized) struct LessonLadderTests {
    @Test func aRecordingDrawsItsLadders() async throws {
        let scratch = Scratch()
        let svg = scratch.file("close.svg")
        let run = try await Child.finish([Paths.sockscope, "replay", ReplayFileTests.fixture, "--ladder", svg])
        #expect(run.code == 0, "\(run.stderrText)")
        #expect(run.stdout.isEmpty)  // the picture only, without --script
        let drawn = String(decoding: readFile(svg), as: UTF8.self)
        #expect(drawn.hasPrefix("<?xml") && drawn.hasSuffix("</svg>\n"))
        #expect(drawn.contains(">client 127.0.0.1:40001</text>") && drawn.contains(">server 127.0.0.2:80</text>"), "\(drawn)")
        for state in ["FIN_WAIT1", "FIN_WAIT2", "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT"] { #expect(drawn.contains(">\(state)</text>"), "\(state)") }
        // The close lesson holds FIN_WAIT1 by dropping the ACK of the FIN on arrival: marked.
        #expect(drawn.contains("class=\"segment dropped\"") && drawn.contains(">✗ dropped by a hold . ACK seq 1 ack 2 "))
        // With --script, the lines as well.
        let both = try await Child.finish([Paths.sockscope, "replay", ReplayFileTests.fixture, "--script", "--ladder", svg])
        #expect(both.code == 0 && both.stdoutText.contains("lesson close"), "\(both.stderrText)")
    }

    @Test func aHostileRecordingsTextIsEscapedInThePicture() async throws {
        let scratch = Scratch()
        let recording = scratch.file("hostile.jsonl"), svg = scratch.file("hostile.svg")
        try ReplayFileTests.hostileRecording(recording)
        let run = try await Child.finish([Paths.sockscope, "replay", recording, "--ladder", svg])
        #expect(run.code == 0, "\(run.stderrText)")
        let drawn = readFile(svg)
        #expect(!drawn.isEmpty && !ReplayFileTests.actsOnATerminal(drawn))
        #expect(String(decoding: drawn, as: UTF8.self).contains("\\x1b]0;PWNED\\x07"))
    }

    /// The handout: Markdown (or HTML for a .html name) with every step, what it held, its
    /// checks, the final ladder as the screen draws it, a legend and the states' three names.
    @Test func aRecordingMakesAHandout() async throws {
        let scratch = Scratch()
        let markdown = scratch.file("close.md"), html = scratch.file("close.html")
        let run = try await Child.finish([Paths.sockscope, "replay", ReplayFileTests.fixture, "--handout", markdown])
        #expect(run.code == 0 && run.stdout.isEmpty, "\(run.stderrText)")
        let text = String(decoding: readFile(markdown), as: UTF8.self)
        #expect(text.hasPrefix("# The four-way close, each state held\n"))
        for number in 1...5 { #expect(text.contains("\n## \(number). "), "step \(number)") }
        #expect(text.contains("- **Holds:** ACK to client") && text.contains("- ✓ client is FIN_WAIT1"), "\(text.prefix(1500))")
        // The final ladder, a dropped ACK at ✗ and the states where they changed.
        #expect(text.contains("```text\ntime ") && text.contains("✗─") && text.contains("│TIME_WAIT") == false && text.contains("TIME_WAIT│"))
        #expect(text.contains("| `✗` | a segment a hold dropped on arrival"))
        #expect(text.contains("| SYN_RECV | SYN-RECEIVED | SYN_RCVD |") && text.contains("| FIN_WAIT1 | FIN-WAIT-1 | FIN_WAIT_1 |"))
        let page = try await Child.finish([Paths.sockscope, "replay", ReplayFileTests.fixture, "--handout", html])
        #expect(page.code == 0, "\(page.stderrText)")
        let written = String(decoding: readFile(html), as: UTF8.self)
        #expect(written.hasPrefix("<!DOCTYPE html>") && written.contains("<svg ") && written.contains("<td>SYN_RCVD</td>") && !written.contains("<script"))
    }

    /// A hostile recording's text in a handout: nothing a terminal or a Markdown renderer would
    /// act on (an escape, a link, a tag, a code span's end).
    @Test func aHostileRecordingsHandoutIsEscaped() async throws {
        let scratch = Scratch()
        let recording = scratch.file("hostile.jsonl"), markdown = scratch.file("hostile.md")
        try ReplayFileTests.hostileRecording(recording)
        let run = try await Child.finish([Paths.sockscope, "replay", recording, "--handout", markdown])
        #expect(run.code == 0, "\(run.stderrText)")
        let bytes = readFile(markdown)
        #expect(!ReplayFileTests.actsOnATerminal(bytes))
        #expect(String(decoding: bytes, as: UTF8.self).contains("A\\x1b]0;PWNED\\x07B"))
    }

    /// What is not a recording draws nothing: the old picture stays whole, one line, exit 1.
    @Test func noRecordingLeavesThePictureAsItWas() async throws {
        let scratch = Scratch()
        let svg = scratch.file("kept.svg"), bogus = scratch.file("bogus.jsonl")
        writeFile(svg, Array("<svg>the old one</svg>\n".utf8))
        writeFile(bogus, Array("not a recording\n".utf8))
        let run = try await Child.finish([Paths.sockscope, "replay", bogus, "--ladder", svg])
        #expect(run.code == 1 && run.stderrLines.count == 1, "\(run.stderrText)")
        #expect(String(decoding: readFile(svg), as: UTF8.self) == "<svg>the old one</svg>\n")
        #expect(directoryEntries(scratch.path).sorted() == ["bogus.jsonl", "kept.svg"])
    }

    @Test(.enabled(if: getuid() == 0, "skipped: needs root (a lab in a network namespace)"))
    func aLessonDrawsItsLaddersWhenItEnds() async throws {
        let scratch = Scratch()
        let svg = scratch.file("handshake.svg"), page = scratch.file("handshake.html")
        let run = try await Child.finish([Paths.sockscope, "lesson", "handshake", "--script", "--ladder", svg, "--html", page], timeout: 60)
        #expect(run.code == 0, "\(run.stderrText)")
        let drawn = String(decoding: readFile(svg), as: UTF8.self)
        for state in ["SYN_SENT", "SYN_RECV", "ESTABLISHED"] { #expect(drawn.contains(">\(state)</text>"), "\(state)") }
        #expect(drawn.contains(">client 127.0.0.1:40001</text>"), "\(drawn)")
        // The page too: a section per step, the lesson's title.
        let html = String(decoding: readFile(page), as: UTF8.self)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<section class=\"step\" id=\"step3\""), "\(html.prefix(400))")
    }
}
