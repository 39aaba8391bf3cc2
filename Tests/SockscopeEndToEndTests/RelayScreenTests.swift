import Glibc
import Testing
import TestSupport

/// What moves the bytes without the input line, in the screen: `sockscope proxy` (each client and
/// its leg to the target listed as such, both in the table), --exec (the program's output shown
/// as sent, its end noted) and --broker (each client's bytes to the other).
@Suite(.serialized, .timeLimit(.minutes(2)), .enabled(if: Paths.which("tmux"), "skipped: needs tmux"))
struct RelayScreenTests {
    @Test func theProxyListsEachTunnelsLegs() async throws {
        try await offPool { () throws in
            let tmux = try Tmux("\(Paths.sockscope) proxy 127.0.0.1 0", columns: 170, rows: 45)
            let port = try tmux.listenerPort()
            let (target, targetPort) = try ncListener()
            let client = try Child(["nc", "-X", "5", "-x", "127.0.0.1:\(port)", "localhost", "\(targetPort)"])
            client.write("through the proxy\n")
            try target.waitForStdout(containing: "through the proxy\n")
            target.write("and back\n")
            try client.waitForStdout(containing: "and back\n")
            // Both legs are ours in the table, side by side, each row saying which it is. (The
            // list follows the events, the table its next refresh: waited for, not assumed.)
            func rows(_ screen: String) -> [Substring] { screen.split(separator: "\n").filter { $0.contains("ESTABLISHED") } }
            let screen = try tmux.wait(for: "both legs listed and in the table") { screen in
                screen.contains("(tunnel 1's client)") && screen.contains("→ localhost:\(targetPort) (127.0.0.1:\(targetPort), tunnel 1's target)")
                    && rows(screen).contains { $0.contains("127.0.0.1:\(port) ") && $0.contains("tunnel 1's client") }
                    && rows(screen).contains { $0.contains(" 127.0.0.1:\(targetPort) ") && $0.contains("tunnel 1's target") }
            }
            #expect(rows(screen).count >= 2, "\(screen)")
            client.closeStdin()
            client.signal(SIGTERM)
            _ = try client.waitForExit()
            try tmux.wait(forText: "SOCKS5: 18 bytes up, 9 down")
            tmux.send("F10")
            try tmux.wait(forText: "EXIT=0")
            _ = try target.waitForExit()
        }
    }

    @Test func aProgramBehindEachConnectionIsShown() async throws {
        try await offPool { () throws in
            let tmux = try Tmux("\(Paths.sockscope) -l -k -c 'tr a-z A-Z' 127.0.0.1 0", columns: 160, rows: 40)
            let port = try tmux.listenerPort()
            let client = try Child(["nc", "-N", "127.0.0.1", port])
            client.write("hello there\n")
            client.closeStdin()
            #expect(try client.waitForExit(timeout: 20) == 0)
            #expect(client.stdoutText == "HELLO THERE\n")
            let screen = try tmux.wait(for: "the program's end") { $0.contains("Program of connection #1 (pid ") && $0.contains("ended: exit 0") }
            #expect(screen.contains("#1 ← hello there") && screen.contains("#1 → HELLO THERE"), "\(screen)")
            #expect(screen.contains("a program behind each connection: /bin/sh -c tr a-z A-Z"), "\(screen)")
            tmux.send("F10")
            try tmux.wait(forText: "EXIT=0")
        }
    }

    @Test func aBrokerPassesEachClientsBytesToTheOther() async throws {
        try await offPool { () throws in
            let tmux = try Tmux("\(Paths.sockscope) -l --broker 127.0.0.1 0", columns: 160, rows: 40)
            let port = try tmux.listenerPort()
            let first = try Child(["nc", "127.0.0.1", port])
            let second = try Child(["nc", "127.0.0.1", port])
            try tmux.wait(forText: "2 open")
            first.write("from the first\n")
            try second.waitForStdout(containing: "from the first\n")
            second.write("from the second\n")
            try first.waitForStdout(containing: "from the second\n")
            #expect(!first.stdoutText.contains("from the first"))
            // Received from one, sent to the other (which is #1 depends on which nc came first).
            try tmux.wait(for: "the line received and sent on") { $0.contains(" ← from the first") && $0.contains(" → from the first") }
            for client in [first, second] {
                client.signal(SIGTERM)
                _ = try client.waitForExit()
            }
            tmux.send("F10")
            try tmux.wait(forText: "EXIT=0")
        }
    }

    /// A practice peer in the screen: its clients listed as such, what it answered as sent.
    @Test func aPracticePeerInTheScreen() async throws {
        try await offPool { () throws in
            let tmux = try Tmux("\(Paths.sockscope) serve echo 127.0.0.1 0", columns: 140, rows: 40)
            let port = try tmux.listenerPort()
            let client = try Child(["nc", "127.0.0.1", port])
            client.write("ping\n")
            try client.waitForStdout(containing: "ping\n")
            let screen = try tmux.wait(for: "the exchange") { $0.contains("#1 ← ping") && $0.contains("#1 → ping") }
            #expect(screen.contains("(client 1 of echo)") && screen.contains("serve echo · "), "\(screen)")
            client.signal(SIGTERM)
            _ = try client.waitForExit()
            tmux.send("F10")
            try tmux.wait(forText: "EXIT=0")
        }
    }
}
