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
