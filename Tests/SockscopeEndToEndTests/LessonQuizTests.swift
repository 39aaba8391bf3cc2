import Glibc
import Testing
import TestSupport

/// `lesson NAME --script --quiz`: the answers come from standard input, one a line; each is
/// scored against what the kernel did, a right spelling in any of the names' forms; the score
/// is told at the end, kept in the recording, and replayed as it was.
@Suite(.serialized, .timeLimit(.minutes(2)),
       .enabled(if: LessonTests.root, "skipped: needs root (namespaces, nft, tc)"))
struct LessonQuizTests {
    @Test func answersFromStandardInputAreScoredAgainstTheKernel() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let recording = scratch.file("quiz.jsonl"), answers = scratch.file("answers")
            // The listener: LISTEN, no segment (right, right). The client: SYN_RCVD is wrong (it
            // is SYN-SENT), its SYN right; the server: the textbook's SYN_RCVD, right; `S.` for
            // SYN-ACK, right. Then the input ends: the rest unanswered.
            writeFile(answers, Array("LISTEN\nnone\nSYN_RCVD\nSYN\nsyn_rcvd\nS.\n".utf8))
            let run = try Child.run([Paths.sockscope, "lesson", "handshake", "--script", "--quiz", "--record", recording],
                                    stdin: .file(answers), timeout: 90)
            #expect(run.code == 0, "\(run.child.stderrText)")
            let lines = run.child.stdoutText.split(separator: "\n").map(String.init)
            let scored = lines.filter { $0.hasPrefix("  quiz   ") }
            #expect(scored.prefix(6) == [
                "  quiz   right  listener's state: LISTEN · the kernel: LISTEN",
                "  quiz   right  listener's segment: none · the kernel: none",
                "  quiz   wrong  client's state: SYN_RCVD · the kernel: SYN-SENT",
                "  quiz   right  client's segment: SYN · the kernel: SYN, SYN-ACK",
                "  quiz   right  server's state: syn_rcvd · the kernel: SYN-RECEIVED",
                "  quiz   right  server's segment: S. · the kernel: SYN, SYN-ACK",
            ], "\(scored)")
            #expect(scored.dropFirst(6).allSatisfy { $0.contains("wrong") && $0.contains("(no answer)") }, "\(scored)")
            // Asked before the step ran: the questions come before the step's first call.
            let firstQuestion = try #require(lines.firstIndex { $0.hasPrefix("  quiz?  client:") })
            let connect = try #require(lines.firstIndex { $0.hasPrefix("  do     connect() client") })
            #expect(firstQuestion < connect)
            let right = scored.filter { $0.contains(" right ") }.count
            #expect(lines.last { $0.hasPrefix("quiz: ") } == "quiz: \(right) of \(scored.count) answers right")
            // Kept in the recording, replayed as they were.
            let replayed = try Child.run([Paths.sockscope, "replay", recording, "--script"])
            #expect(replayed.code == 0)
            #expect(replayed.child.stdoutText.split(separator: "\n").filter { $0.hasPrefix("  quiz   ") }.map(String.init) == scored)
            #expect(replayed.child.stdoutText.contains("quiz: \(right) of \(scored.count) answers right"))
        }
    }

    /// On the screen: Space begins the step, its questions are asked in turn (typed, Enter), the
    /// step runs, and each answer is shown beside what the kernel did.
    @Test(.enabled(if: Paths.which("tmux"), "skipped: needs tmux"))
    func theScreenAsksThenShows() async throws {
        try await offPool { () throws in
            let tmux = try Tmux("\(Paths.sockscope) lesson handshake --quiz", columns: 120, rows: 40)
            try tmux.wait(forText: "Press Space or Enter to begin.")
            tmux.send("Space")
            try tmux.wait(forText: "Predict: listener: its state after this step?")
            tmux.line("LISTEN")
            try tmux.wait(forText: "Predict: listener: the segment that brings it there?")
            tmux.line("RST")
            let shown = try tmux.wait(for: "the answers scored") { $0.contains("you: listener's segment RST") }
            #expect(shown.contains("✓ you: listener's state LISTEN · the kernel: LISTEN"), "\(shown)")
            #expect(shown.contains("✗ you: listener's segment RST · the kernel: none"), "\(shown)")
            tmux.send("q")
            try tmux.wait(forText: "EXIT=")
        }
    }
}
