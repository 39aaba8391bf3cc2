import Glibc
import Testing
import TestSupport

/// The README's first command as a newcomer types it, at 80×24: the port chosen is in the header
/// whole, and -v's lines are in the screen, not hidden behind it until it closes.
@Suite(.serialized, .timeLimit(.minutes(1)), .enabled(if: Paths.which("tmux"), "skipped: needs tmux"))
struct FirstMinutesTests {
    @Test func theReadmesFirstCommandShowsItsPortAndItsLines() async throws {
        try await offPool { () throws in
            let tmux = try Tmux("\(Paths.sockscope) -v -l 127.0.0.1 0", columns: 80, rows: 24)
            let port = try tmux.listenerPort()
            let screen = try tmux.wait(for: "the -v lines in the screen") { $0.contains("· Listening on localhost \(port)") }
            #expect(screen.split(separator: "\n")[0].contains("127.0.0.1:\(port) ⇄"), "\(screen)")
            #expect(screen.contains("On end of input: keep the connection open"), "\(screen)")
            tmux.send("F10")
            let after = try tmux.wait(for: "the exit") { $0.contains("EXIT=") }
            // Said once, in the screen: not again on the terminal after it closed.
            #expect(!after.contains("Listening on"), "\(after)")
        }
    }
}
