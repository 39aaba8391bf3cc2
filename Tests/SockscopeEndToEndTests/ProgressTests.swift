import Glibc
import Testing
import TestSupport

/// `--progress` in pipe mode (issue 24): bytes and rates each way on standard error, redrawn
/// in place on a terminal, a line at a time elsewhere — and the bytes themselves untouched on
/// standard output.
@Suite(.timeLimit(.minutes(2)))
struct ProgressTests {
    @Test func bothWaysOnStandardErrorAndNeverOnStandardOutput() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let upFile = scratch.file("up"), downFile = scratch.file("down"), received = scratch.file("received"), echoed = scratch.file("echoed")
            try TLSTests.randomFile(upFile, bytes: 3 << 20)
            try TLSTests.randomFile(downFile, bytes: 2 << 20)
            let (listener, port) = try sockscopeListener(["--progress", "-N"], stdin: .file(downFile), stdout: .file(received))
            let dialer = try sockscope(["--progress", "-N", "127.0.0.1", "\(port)"], stdin: .file(upFile), stdout: .file(echoed))
            #expect(try dialer.waitForExit(timeout: 30) == 0, "\(dialer.stderrText)")
            #expect(try listener.waitForExit(timeout: 30) == 0, "\(listener.stderrText)")
            #expect(Child.runQuietly(["cmp", upFile, received]) == 0)
            #expect(Child.runQuietly(["cmp", downFile, echoed]) == 0)
            // Not a terminal: whole lines, the last one the totals.
            let last = dialer.stderrText.split(separator: "\n").last.map(String.init) ?? ""
            #expect(last.hasPrefix("sent 3.0 MiB (") && last.contains("), received 2.0 MiB ("), "\(dialer.stderrText)")
            let theirs = listener.stderrText.split(separator: "\n").last.map(String.init) ?? ""
            #expect(theirs.hasPrefix("sent 2.0 MiB (") && theirs.contains("), received 3.0 MiB ("), "\(listener.stderrText)")
            #expect(!dialer.stderrText.contains("\r") && !dialer.stderrText.contains("\u{1B}"))
        }
    }

    /// On a terminal the line is redrawn in place and -v lines are not run into it.
    @Test(.enabled(if: Paths.which("tmux"), "skipped: needs tmux"))
    func inPlaceOnATerminalBesideVerboseLines() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let upFile = scratch.file("up"), received = scratch.file("received")
            try TLSTests.randomFile(upFile, bytes: 4 << 20)
            let (listener, port) = try sockscopeListener(["-d"], stdout: .file(received))
            let tmux = try Tmux("\(Paths.sockscope) -v -N --progress 127.0.0.1 \(port) < \(upFile) > /dev/null")
            let screen = try tmux.wait(for: "the run's end") { $0.contains("EXIT=") }
            let lines = screen.split(separator: "\n").map(String.init)
            #expect(lines.contains { $0.hasPrefix("Connection to 127.0.0.1 \(port) port") }, "\(screen)")
            #expect(lines.contains { $0.hasPrefix("sent 4.0 MiB (") && $0.hasSuffix("received 0 B (0 B/s)") }, "\(screen)")
            #expect(screen.contains("EXIT=0"))
            _ = try listener.waitForExit(timeout: 20)
            #expect(Child.runQuietly(["cmp", upFile, received]) == 0)
        }
    }
}
