import Glibc
import Testing
import TestSupport

/// The lesson screen in a real terminal (tmux), as root: states held until a key releases them,
/// and a recording replayed without root drawing the same ladder as the live run.
@Suite(.timeLimit(.minutes(3)), .enabled(if: LessonTests.root, "skipped: needs root (namespaces, nft, tc)"))
struct LessonScreenTests {
    /// An end's row in the screen's table of ends.
    static func endRow(_ screen: String, _ name: String) -> String {
        screen.split(separator: "\n").first { $0.hasPrefix(" \(name) ") }.map(String.init) ?? ""
    }

    static func stepPassed(_ number: Int, of count: Int) -> (String) -> Bool {
        { screen in
            guard let title = screen.split(separator: "\n").first else { return false }
            return title.contains("step \(number)/\(count):") && (title.contains("✓ passed") || title.contains("steps passed"))
        }
    }

    /// The handshake: our dialer's SYN_SENT is held (its SYNs retransmitted on the ladder, the
    /// SYN-ACKs stopped at ✗) for as long as nobody presses a key; Space releases it, and the
    /// next steps take both ends to ESTABLISHED.
    @Test func theHandshakeHoldsSynSentUntilAKey() async throws {
        try await offPool { () throws in
            let tmux = try Tmux("\(Paths.sockscope) lesson handshake", columns: 120, rows: 40)
            try tmux.wait(forText: "Press Space or Enter to begin.")
            tmux.send("Space")
            try tmux.wait(for: "step 1", Self.stepPassed(1, of: 5))
            tmux.send("Space")
            let held = try tmux.wait(for: "SYN_SENT held, with a retransmission") { screen in
                Self.endRow(screen, "client").contains("SYN_SENT") && screen.contains("⟲ retransmission S SYN")
            }
            #expect(Self.endRow(held, "server").contains("SYN_RECV"))
            // The server's request socket in SYN_RECV on the ladder too, on its rail (from the table:
            // the tracepoint does not see request sockets).
            #expect(held.split(separator: "\n").contains { $0.hasSuffix("│SYN_RECV") }, "\(held)")
            #expect(held.contains("holding: SYN-ACK to client"))
            #expect(held.split(separator: "\n").contains { $0.contains("SYN ACK") && $0.contains("✗") }, "\(held)")
            tmux.send("Space")
            let released = try tmux.wait(for: "the client ESTABLISHED, the server still SYN_RECV", timeout: 20) { screen in
                Self.stepPassed(3, of: 5)(screen) && Self.endRow(screen, "client").contains("ESTABLISHED")
            }
            #expect(Self.endRow(released, "server").contains("SYN_RECV"))
            tmux.send("Space")
            try tmux.wait(for: "the server ESTABLISHED", timeout: 20) { Self.stepPassed(4, of: 5)($0) && Self.endRow($0, "server").contains("ESTABLISHED") }
            tmux.send("Space")
            try tmux.wait(forText: "Lesson over: 5 of 5 steps passed.")
            // r starts again, in a new namespace: the same step 2 holds SYN_SENT again.
            tmux.send("r")
            try tmux.wait(forText: "Press Space or Enter to begin.")
            tmux.send("Space")
            try tmux.wait(for: "step 1 again", Self.stepPassed(1, of: 5))
            tmux.send("Space")
            try tmux.wait(for: "SYN_SENT held again") { Self.stepPassed(2, of: 5)($0) && Self.endRow($0, "client").contains("SYN_SENT") }
            tmux.send("q")
            try tmux.wait(forText: "EXIT=0")
        }
    }

    /// The close: the server's LAST_ACK stays, visibly, while its last ACK is dropped; then the
    /// same run, recorded, replays without root to the same ladder.
    @Test func theCloseHoldsLastAckAndReplaysTheSameLadder() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let record = scratch.file("close.jsonl")
            let live = try Tmux("\(Paths.sockscope) lesson close --record \(record)", columns: 120, rows: 40)
            try live.wait(forText: "Press Space or Enter to begin.")
            for step in 1...3 {
                live.send("Space")
                try live.wait(for: "step \(step)", Self.stepPassed(step, of: 5))
            }
            live.send("Space")
            try live.wait(for: "step 4", Self.stepPassed(4, of: 5))
            // Held: still LAST_ACK a second later, its FIN retransmitted meanwhile.
            let start = now()
            let held = try live.wait(for: "LAST_ACK held a second") { screen in
                now() - start > 1 && Self.endRow(screen, "server").contains("LAST_ACK")
            }
            #expect(Self.endRow(held, "client").contains("TIME_WAIT"))
            // While the screen waits, the table keeps reading the kernel: TIME_WAIT counts down.
            let countdown = try #require(Self.timewaitSeconds(Self.endRow(held, "client")), "\(held)")
            try live.wait(for: "the TIME_WAIT countdown to go down a second", timeout: 5) { screen in
                Self.timewaitSeconds(Self.endRow(screen, "client")).map { $0 <= countdown - 1 } ?? false
            }
            #expect(held.contains("holding: ACK to server"))
            live.send("Space")
            try live.wait(forText: "Lesson over: 5 of 5 steps passed.", timeout: 20)
            let liveScreen = live.screen()
            live.send("q")
            try live.wait(forText: "EXIT=0")

            // The replay runs as nobody: it needs no root, only the file.
            chmod(scratch.path, 0o755)
            let replay = try Tmux((Paths.asNobody + [Paths.sockscopeForAnyone, "replay", record]).joined(separator: " "), columns: 120, rows: 40)
            try replay.wait(forText: "Press Space or Enter to begin.")
            try replay.replaySteps(5)
            let replayed = try replay.wait(for: "the replay's end") { $0.contains("Lesson over: 5 of 5 steps passed.") }
            #expect(Self.ladder(replayed) == Self.ladder(liveScreen))
            #expect(Self.ladder(replayed).contains { $0.contains("LAST_ACK") }, "\(replayed)")
            replay.send("q")
            try replay.wait(forText: "EXIT=0")
        }
    }

    /// The seconds a row's `timewait 58.8s` says are left.
    static func timewaitSeconds(_ row: String) -> Double? {
        guard let range = row.range(of: "timewait ") else { return nil }
        return Double(row[range.upperBound...].prefix { $0.isNumber || $0 == "." })
    }

    /// The ladder's lines: from its rule to the table's.
    static func ladder(_ screen: String) -> [String] {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let top = lines.firstIndex(where: { $0.hasPrefix("── Ladder") }),
              let bottom = lines.firstIndex(where: { $0.hasPrefix("── Ends") }) else { return [] }
        return Array(lines[top..<bottom])
    }
}
