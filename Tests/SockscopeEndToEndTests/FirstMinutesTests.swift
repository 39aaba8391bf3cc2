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

    /// A Unix socket in the screen: the header says `dial unix` (it said `dial unixtcp`), the
    /// table shows it as ss -x does, with the process at the other end (SO_PEERCRED), and the
    /// footer offers no RST (F7) and no ladder (F9).
    @Test func aUnixSocketInTheScreenSaysWhatApplies() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let path = scratch.file("s.sock")
            let server = try Child(["nc", "-lU", path])
            try server.wait(for: "the socket file", timeout: 10) { _ in fileExists(path) }
            let tmux = try Tmux("\(Paths.sockscope) -U \(path)", columns: 150, rows: 24)
            let screen = try tmux.wait(for: "connected") { $0.contains("connected: \(path)") }
            let lines = screen.split(separator: "\n")
            #expect(lines[0].contains("dial unix · ") && !lines[0].contains("unixtcp"), "\(screen)")
            let peer = "peer pid \(server.pid) "
            let table = try tmux.wait(for: "the Unix socket's row") { $0.contains("ESTAB") && $0.contains(peer) }
            let row = table.split(separator: "\n").first { $0.contains("ESTAB") && $0.contains(peer) } ?? ""
            let shown = row.contains(path) && row.contains("(nc")
            #expect(shown, "\(table)")
            let footer = lines.last { $0.contains("F1Help") } ?? ""
            #expect(footer.contains("F5FIN") && !footer.contains("F7") && !footer.contains("F9"), "\(footer)")
            tmux.send("F10")
            try tmux.wait(forText: "EXIT=0")
            server.signal(SIGTERM)
            _ = try server.waitForExit()
        }
    }
}
