import Glibc
import Testing
import TestSupport

/// A real terminal: tmux on a private server at a fixed size runs sockscope against a real local
/// peer; keys go in with send-keys and the screen comes back with capture-pane, polled against a
/// deadline (DESIGN.md: the real terminal).
final class Tmux {
    let server = "sockscope-test-\(getpid())-\(Int.random(in: 0..<1_000_000))"

    init(_ command: String, columns: Int = 100, rows: Int = 30, environment: [String] = []) throws {
        let env = (["LANG=C.UTF-8"] + environment).flatMap { ["-e", $0] }
        let (code, child) = try Child.run(["tmux", "-L", server, "-f", "/dev/null", "new-session", "-d",
                                           "-x", "\(columns)", "-y", "\(rows)"] + env
                                          + ["\(command); echo EXIT=$?; sleep 60"])
        guard code == 0 else { throw Child.Failure(description: "tmux did not start: \(child.stderrText)") }
    }

    deinit { Child.runQuietly(["tmux", "-L", server, "kill-server"]) }

    func send(_ keys: String...) { Child.runQuietly(["tmux", "-L", server, "send-keys"] + keys) }

    /// Types text literally (no key-name lookup), then Enter.
    func line(_ text: String) {
        Child.runQuietly(["tmux", "-L", server, "send-keys", "-l", text])
        send("Enter")
    }

    /// Space, once per step of a replay, each waited for: keys that arrive together are one
    /// step (a teacher's double press must not skip a held state).
    func replaySteps(_ count: Int) throws {
        for step in 1...count {
            send("Space")
            try wait(forText: "── Step · \(step) of \(count)")
        }
    }

    func screen() -> String {
        (try? Child.run(["tmux", "-L", server, "capture-pane", "-p"]))?.child.stdoutText ?? ""
    }

    func format(_ variable: String) -> String {
        let text = (try? Child.run(["tmux", "-L", server, "display-message", "-p", variable]))?.child.stdoutText ?? ""
        return text.split(separator: "\n").first.map(String.init) ?? ""
    }

    /// Polls the screen until `done` holds, for at most `timeout` seconds.
    @discardableResult
    /// (30 s: the whole suite runs beside load tests on two cores; a met condition returns at once.)
    func wait(for what: String, timeout: Double = 30, _ done: (String) -> Bool) throws -> String {
        let deadline = now() + timeout
        while true {
            let text = screen()
            if done(text) { return text }
            if now() > deadline { throw Child.Failure(description: "timed out waiting for \(what); screen:\n\(text)") }
            var pause = timespec(tv_sec: 0, tv_nsec: 50_000_000)
            nanosleep(&pause, nil)
        }
    }

    func wait(forText text: String, timeout: Double = 30) throws {
        try wait(for: "\"\(text)\"", timeout: timeout) { $0.contains(text) }
    }

    /// The port of our listener on 127.0.0.1 (port 0 chosen by the kernel), read from the header.
    func listenerPort() throws -> String {
        var port = ""
        try wait(for: "the listener's port in the header") { screen in
            guard let header = screen.split(separator: "\n").first, let range = header.range(of: "127.0.0.1:") else { return false }
            port = String(header[range.upperBound...].prefix { $0.isNumber })
            return !port.isEmpty
        }
        return port
    }
}

/// The screen's row for a socket: the line of the state table with both endpoints in this order.
func tableRow(_ screen: String, local: String, peer: String) -> String? {
    screen.split(separator: "\n").first { line in
        guard let l = line.range(of: local), let p = line.range(of: peer) else { return false }
        return l.lowerBound < p.lowerBound && !line.contains("⇄") && !line.contains("·")
    }.map(String.init)
}

extension String {
    func range(of needle: String) -> Range<String.Index>? {
        var index = startIndex
        while index < endIndex {
            if self[index...].hasPrefix(needle) { return index..<self.index(index, offsetBy: needle.count) }
            index = self.index(after: index)
        }
        return nil
    }
}

/// A python peer that accepts one connection, says two lines (the second with an escape sequence
/// that would paint the terminal red), reports what it receives and when our FIN arrives, keeps
/// its side open, and closes when told `close` on its standard input.
let keepOpenPeer = """
import select, socket, sys
server = socket.socket(); server.bind(("127.0.0.1", 0)); server.listen(1)
print("Listening on 127.0.0.1", server.getsockname()[1], file=sys.stderr, flush=True)
conn, _ = server.accept()
print(f"PORT {conn.getpeername()[1]}", flush=True)  # one write: python -u writes each print argument apart
conn.sendall(b"hello from python\\n\\x1b[31mred\\x1b[0m\\n")
watch = [conn, sys.stdin]
while watch:
    ready, _, _ = select.select(watch, [], [], 30)
    if not ready: break
    if conn in ready:
        data = conn.recv(4096)
        if data: print("GOT", data, flush=True)
        else: print("EOF", flush=True); watch.remove(conn)
    if sys.stdin in ready:
        if sys.stdin.readline().strip() == "close":
            conn.close(); print("CLOSED", flush=True); break
"""

@Suite(.serialized, .enabled(if: Paths.which("tmux") && Paths.which("python3"), "needs tmux and python3"))
struct ScreenTests {
    @Test func aSessionFromFirstLineToTimeWait() async throws {
        try await offPool { () throws in
            let peer = try Child(["python3", "-u", "-c", keepOpenPeer], stdin: .pipe)
            defer { peer.signal(SIGKILL) }
            let port = try peer.waitForPort()
            let tmux = try Tmux("\(Paths.sockscope) -n 127.0.0.1 \(port)")
            try peer.waitForStdout(containing: "PORT ")
            let ourPort = peer.stdoutText.split(separator: "\n").first { $0.hasPrefix("PORT ") }.map { String($0.dropFirst(5)) } ?? "?"
            let ours = "127.0.0.1:\(ourPort)", theirs = "127.0.0.1:\(port)"

            // The peer's line appears; its escape sequence appears escaped, never interpreted.
            var screen = try tmux.wait(for: "the peer's lines") { $0.contains("← hello from python") && $0.contains("red") }
            #expect(screen.contains("← \\x1b[31mred\\x1b[0m"))
            #expect(tmux.format("#{alternate_on}") == "1")

            // Ours reaches the peer.
            tmux.line("hi from the screen")
            try peer.waitForStdout(containing: "GOT b'hi from the screen\\n'")
            try tmux.wait(forText: "→ hi from the screen")

            // /shutdown: FIN; ours in FIN_WAIT2, the peer's row (local, so shown as the other end) in CLOSE_WAIT.
            tmux.line("/shutdown")
            try peer.waitForStdout(containing: "EOF")
            screen = try tmux.wait(for: "FIN_WAIT2 and CLOSE_WAIT rows of \(ours) and \(theirs)") {
                tableRow($0, local: ours, peer: theirs)?.contains("FIN_WAIT2") == true
                    && tableRow($0, local: theirs, peer: ours)?.contains("CLOSE_WAIT") == true
            }
            #expect(tableRow(screen, local: theirs, peer: ours)?.contains("other end of #1") == true)
            // The log comes from the tracepoint, the table from polling: under load either can be
            // first, so the log's line is waited for rather than expected at the table's instant.
            try tmux.wait(for: "the log's → FIN_WAIT2") { $0.contains("FIN_WAIT1 → FIN_WAIT2") || $0.contains("ESTABLISHED → FIN_WAIT2") }

            // The peer closes: ours goes to TIME_WAIT, counting down from about 60 s.
            peer.write("close\n")
            try peer.waitForStdout(containing: "CLOSED")
            screen = try tmux.wait(for: "TIME_WAIT with a countdown") { screen in
                guard let row = tableRow(screen, local: ours, peer: theirs), row.contains("TIME_WAIT") else { return false }
                return row.contains("timewait ") && row.split(separator: " ").contains {
                    $0.hasSuffix("s") && Double($0.dropLast()).map { $0 > 0 && $0 <= 60 } == true
                }
            }
            try tmux.wait(forText: "the peer sent FIN")

            // /quit: exit 0 and the terminal is given back (normal screen, visible cursor).
            tmux.line("/quit")
            try tmux.wait(forText: "EXIT=0")
            #expect(tmux.format("#{alternate_on}") == "0")
            #expect(tmux.format("#{cursor_flag}") == "1")
            #expect(!tmux.screen().contains("── Sockets"))
        }
    }

    @Test func ctrlCSIGTERMAndSIGHUPRestoreTheTerminal() async throws {
        try await offPool { () throws in
            for (keys, signal) in [("C-c", SIGINT), ("", SIGTERM), ("", SIGHUP), ("", SIGQUIT)] {
                // Ctrl-C signals the whole foreground group, the shell around sockscope too: the shell
                // traps it (a trap, unlike an ignored signal, is not inherited) and lives to report.
                let tmux = try Tmux("trap true INT; \(Paths.sockscope) -l 127.0.0.1 0", columns: 80, rows: 24)
                try tmux.wait(forText: "── Sockets")
                if keys.isEmpty {
                    // The shell's child is sockscope: signal it by name within this tmux server only.
                    let pane = tmux.format("#{pane_pid}")
                    Child.runQuietly(["pkill", "-\(signal)", "-P", pane, "-x", "sockscope"])
                } else {
                    tmux.send(keys)
                }
                try tmux.wait(forText: "EXIT=\(128 + signal)")
                #expect(tmux.format("#{alternate_on}") == "0")
                #expect(!tmux.screen().contains("crashed"))
            }
        }
    }

    /// Ctrl-Z gives the terminal back to the shell; `fg` takes it again with the keypad working
    /// (arrows used to come back as the text "[D").
    @Test func ctrlZAndFgKeepTheArrowKeys() async throws {
        try await offPool { () throws in
            let (nc, port) = try ncListener(stdin: .null)
            defer { withExtendedLifetime(nc) {} }
            let scratch = Scratch()
            writeFile(scratch.file("rc"), Array("PS1='shell$ '\n".utf8))
            let tmux = try Tmux("bash --noprofile --rcfile \(scratch.file("rc")) -i", columns: 100, rows: 30)
            try tmux.wait(forText: "shell$")
            tmux.line("\(Paths.sockscope) 127.0.0.1 \(port)")
            try tmux.wait(forText: "── Sockets")
            Child.runQuietly(["tmux", "-L", tmux.server, "send-keys", "-l", "abc"])
            try tmux.wait(for: "the typed text") { $0.split(separator: "\n").contains { $0.hasPrefix("> abc") } }
            tmux.send("C-z")
            try tmux.wait(forText: "Stopped")
            #expect(tmux.format("#{alternate_on}") == "0")
            tmux.line("fg")
            try tmux.wait(forText: "── Sockets")
            tmux.send("Left")
            Child.runQuietly(["tmux", "-L", tmux.server, "send-keys", "-l", "Z"])
            try tmux.wait(for: "Z inserted before c") { $0.split(separator: "\n").contains { $0.hasPrefix("> abZc") } }
            tmux.send("F10")
            try tmux.wait(forText: "shell$")
        }
    }

    /// 100 KB pasted into the input line, then Enter: every byte reaches the peer (the redraw
    /// was quadratic in the line's length: minutes of CPU).
    @Test func aLongPasteIsSentWhole() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let text = String(repeating: "0123456789", count: 10_000)
            writeFile(scratch.file("paste"), Array(text.utf8))
            let (nc, port) = try ncListener(stdin: .null)
            let tmux = try Tmux("\(Paths.sockscope) 127.0.0.1 \(port)", columns: 100, rows: 30)
            try tmux.wait(forText: "── Sockets")
            Child.runQuietly(["tmux", "-L", tmux.server, "load-buffer", scratch.file("paste")])
            Child.runQuietly(["tmux", "-L", tmux.server, "paste-buffer"])
            try tmux.wait(for: "the pasted line", timeout: 30) { $0.split(separator: "\n").contains { $0.hasPrefix("> ") && $0.hasSuffix("56789") } }
            tmux.send("Enter")
            try nc.waitForStdout(count: text.utf8.count + 1, timeout: 30)
            #expect(nc.stdoutText == text + "\n")
            tmux.send("F10")
        }
    }

    /// Under -k a client that finished is closed, so --max-conns 1 serves the next one (it used
    /// to stay in CLOSE_WAIT and count, and the server stopped serving).
    @Test func finishedClientsMakeRoomUnderK() async throws {
        try await offPool { () throws in
            let tmux = try Tmux("\(Paths.sockscope) -l -k --max-conns 1 127.0.0.1 0", columns: 100, rows: 30)
            let port = try tmux.listenerPort()
            let first = try Child(["nc", "-N", "127.0.0.1", port], stdin: .null)
            #expect(try first.waitForExit() == 0, "the first client was closed after its FIN")
            let second = try Child(["nc", "127.0.0.1", port])
            second.write("second client\n")
            try tmux.wait(forText: "second client")
            #expect(!tmux.screen().contains("refused"))
            tmux.send("F10")
        }
    }

    /// The log scrolls back: after eight clients (far more than 20 transitions) the listener's
    /// first transition is reachable with Shift-Tab (the log's focus) and Home; End follows again.
    @Test func theFirstTransitionIsReachableAfterManyLater() async throws {
        try await offPool { () throws in
            let tmux = try Tmux("\(Paths.sockscope) -l -k 127.0.0.1 0", columns: 100, rows: 30)
            let port = try tmux.listenerPort()
            for index in 1...8 {
                let client = try Child(["nc", "-N", "127.0.0.1", port], stdin: .pipe)
                client.write("client \(index)\n")
                client.closeStdin()
                #expect(try client.waitForExit() == 0)
            }
            try tmux.wait(forText: "client 8")
            tmux.send("BTab")
            tmux.send("Home")
            let screen = try tmux.wait(for: "the log's first transition selected") { screen in
                screen.split(separator: "\n").contains { $0.hasPrefix("━▶ Transitions") && $0.contains(" 1/") }
            }
            let lines = screen.split(separator: "\n")
            let rule = try #require(lines.firstIndex { $0.hasPrefix("━▶ Transitions") })
            let total = lines[rule].split(separator: "/").dropFirst().first.map { Int($0.prefix { $0.isNumber }) ?? 0 } ?? 0
            #expect(total > 20, "\(lines[rule])")
            #expect(lines[rule + 1].contains("listener") && lines[rule + 1].contains("LISTEN"), "\(screen)")
            tmux.send("End")
            // The newest: the rule's k/k, whatever k is by now (late transitions, a timewait
            // handoff settled by the next table reading, can still arrive).
            try tmux.wait(for: "the newest selected") { screen in
                screen.split(separator: "\n").contains { line in
                    guard line.hasPrefix("━▶ Transitions") else { return false }
                    let counts = line.split(separator: " ").first { $0.contains("/") }?.split(separator: "/").map { Int($0) }
                    return counts?.count == 2 && counts?[0] != nil && counts?[0] == counts?[1] && (counts?[1] ?? 0) >= total
                }
            }
            tmux.send("F10")
            try tmux.wait(forText: "EXIT=0")
        }
    }

    /// Under LANG=C (and no locale at all) the screen is ASCII: rules, arrows and marks folded,
    /// the peer's non-ASCII text escaped.
    @Test func aCLocaleShowsOnlyASCII() async throws {
        try await offPool { () throws in
            let (nc, port) = try ncListener(stdin: .pipe)
            defer { withExtendedLifetime(nc) {} }
            let tmux = try Tmux("env -u LC_ALL -u LC_CTYPE LANG=C \(Paths.sockscope) 127.0.0.1 \(port)", columns: 100, rows: 30)
            try tmux.wait(forText: "-- Sockets")
            nc.write("caf\u{e9} \u{65e5}\n")
            let screen = try tmux.wait(for: "the peer's line escaped") { $0.contains("<- caf\\u{e9} \\u{65e5}") }
            #expect(screen.unicodeScalars.allSatisfy { $0.isASCII }, "\(screen)")
            #expect(screen.contains("> ESTABLISHED") || screen.contains("-> ESTABLISHED"))
            tmux.send("F10")
            try tmux.wait(forText: "EXIT=0")
        }
    }

    /// /hold (F12): we stop reading; our Recv-Q fills and the peer's socket, its Send-Q growing,
    /// probes our zero window on its persist timer; /release reads again and the peer's bytes flow.
    @Test func holdShowsAZeroWindowOnThePeersSide() async throws {
        try await offPool { () throws in
            let (peer, port) = try pythonPeer("""
                import socket, sys, time
                s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()
                print('Listening on 127.0.0.1', s.getsockname()[1], file=sys.stderr, flush=True)
                c, _ = s.accept(); c.setblocking(False)
                left, end = 16 << 20, time.time() + 60
                while left > 0 and time.time() < end:
                    try: left -= c.send(b'x' * min(left, 65536))
                    except BlockingIOError: time.sleep(0.02)
                    except OSError: break
                time.sleep(60)
                """)
            defer { peer.signal(SIGKILL) }
            let tmux = try Tmux("\(Paths.sockscope) -n 127.0.0.1 \(port)", columns: 200, rows: 40)
            try tmux.wait(forText: "← xxxx")
            tmux.send("F12")
            // A busy reader can let the window close for a moment by itself: first the hold, then the probing.
            try tmux.wait(for: "the hold in the header and its note") { $0.contains("held (F12 releases)") && $0.contains("held: we stop reading") }
            let theirs = "127.0.0.1:\(port)"
            // Its TCP_INFO (through sock_diag: the socket is python's, not ours) says the window is
            // 0; and who is on the other end, without /all: its process (found by a scan of /proc
            // that may come a refresh later on a busy machine).
            let held = try tmux.wait(for: "the peer's socket, its process named, probing our zero window") { screen in
                screen.split(separator: "\n").contains { $0.hasPrefix("↳") && $0.contains(theirs) && $0.contains("persist ") && $0.contains("zero window")
                    && $0.contains(" wnd 0 ") }
                    && screen.split(separator: "\n").contains { $0.hasPrefix("↳") && $0.contains("python3[") }
            }
            let ours = try #require(held.split(separator: "\n").first { $0.hasPrefix("▶") })
            let recvQ = ours.split(separator: " ").dropFirst(3).first.flatMap { Int($0) } ?? 0
            #expect(recvQ > 0, "\(ours)")
            tmux.line("/release")
            // Released, all 16 MiB arrive: the peer's Send-Q empties and its probing stops.
            try tmux.wait(for: "the window reopened and the peer's queue drained") { screen in
                let lines = screen.split(separator: "\n")
                guard !screen.contains("held (F12"), let peer = lines.first(where: { $0.hasPrefix("↳") && $0.contains(theirs) }) else { return false }
                return !peer.contains("zero window") && peer.split(separator: " ").dropFirst(4).first == "0"
            }
            tmux.send("F10")
            try tmux.wait(forText: "EXIT=0")
        }
    }

    /// Without root (no tracepoint, the tables polled), our side of a close is told step by step
    /// from what we know first-hand — shutdown(), TCP_INFO, the exact lookup — not as one jump
    /// "too brief to see".
    @Test(.enabled(if: getuid() == 0 && Paths.which("setpriv"), "skipped: needs root (to become nobody) and setpriv"))
    func withoutRootOurCloseIsToldStepByStep() async throws {
        try await offPool { () throws in
            let (peer, port) = try pythonPeer("""
                import socket, sys, time
                s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()
                print('Listening on 127.0.0.1 ' + str(s.getsockname()[1]), file=sys.stderr, flush=True)
                c, _ = s.accept(); c.sendall(b'hello\\n')
                while c.recv(65536): pass
                time.sleep(0.3); c.close(); time.sleep(60)
                """)
            defer { peer.signal(SIGKILL) }
            let nobody = Paths.asNobody.joined(separator: " ")
            let tmux = try Tmux("\(nobody) \(Paths.sockscopeForAnyone) -n 127.0.0.1 \(port)", columns: 140, rows: 50)
            let opened = try tmux.wait(for: "the peer's greeting") { $0.contains("← hello") }
            #expect(opened.contains("sudo: full view"))
            tmux.line("/compact")
            tmux.send("F5")
            let screen = try tmux.wait(for: "our socket in TIME_WAIT, told first-hand") { $0.contains("FIN_WAIT2 → TIME_WAIT") }
            let ours = screen.split(separator: "\n").filter { $0.contains("#1") && $0.contains("tcp 127.0.0.1:") && !$0.contains("⇄ 127.0.0.1:\(port)  proc") }
            for step in ["SYN_SENT → ESTABLISHED", "ESTABLISHED → FIN_WAIT1", "FIN_WAIT1 → FIN_WAIT2", "FIN_WAIT2 → TIME_WAIT"] {
                #expect(ours.contains { $0.contains(step) && $0.hasSuffix("socket") }, "\(step) first-hand in:\n\(screen)")
            }
            #expect(!ours.contains { $0.contains("ESTABLISHED → TIME_WAIT") || $0.contains("ESTABLISHED → FIN_WAIT2") }, "\(screen)")
            tmux.send("F10")
            try tmux.wait(forText: "EXIT=0")
        }
    }

    /// UDP in the screen says what UDP does: no socket is called ESTABLISHED; under -u -l -k each
    /// sender is a session of the one socket, answered alone; F7 says UDP has no RST.
    @Test func udpSaysWhatUDPDoes() async throws {
        try await offPool { () throws in
            let tmux = try Tmux("\(Paths.sockscope) -u -l -k 127.0.0.1 0", columns: 120, rows: 30)
            let port = try tmux.listenerPort()
            var senders: [Child] = []
            for word in ["one", "two"] {
                let sender = try Child(["nc", "-u", "127.0.0.1", port], stdin: .pipe)
                sender.write("\(word)\n")
                senders.append(sender)
                try tmux.wait(forText: "← \(word)")
            }
            let screen = try tmux.wait(for: "two sessions") { $0.contains("2 open of 2") }
            #expect(screen.contains("our one socket answers each sender"))
            #expect(!screen.contains("ESTABLISHED") && !screen.contains("connected:"))
            tmux.line("reply to one")
            try senders[0].waitForStdout(containing: "reply to one")
            tmux.send("F8")
            tmux.line("reply to two")
            try senders[1].waitForStdout(containing: "reply to two")
            #expect(!senders[0].stdoutText.contains("reply to two"))
            tmux.send("F7")
            try tmux.wait(forText: "UDP has no RST")
            tmux.send("F10")
            try tmux.wait(forText: "EXIT=0")
        }
    }

    /// -w: a connection with nothing moving is closed after that long; the screen stays.
    @Test func dashWClosesAnIdleConnection() async throws {
        try await offPool { () throws in
            let (nc, port) = try ncListener(stdin: .null)
            let tmux = try Tmux("\(Paths.sockscope) -w 1 127.0.0.1 \(port)", columns: 100, rows: 30)
            try tmux.wait(forText: "-w: nothing moved for 1 s: we closed the connection")
            #expect(try nc.waitForExit() == 0)
            // The screen stays, its table with it (waited for: a capture can fall in the middle of
            // a redraw, which once showed the conversation and the log without the table between).
            try tmux.wait(forText: "── Sockets")
            tmux.send("F10")
            try tmux.wait(forText: "EXIT=0")
        }
    }

    /// A month between table reads is more milliseconds than poll() takes: no trap, and the
    /// terminal comes back.
    @Test func watchWithAnIntervalOfAMonth() async throws {
        try await offPool { () throws in
            let tmux = try Tmux("\(Paths.sockscope) watch --interval 3000000", columns: 80, rows: 24)
            try tmux.wait(forText: "── Sockets")
            tmux.send("F10")
            try tmux.wait(forText: "EXIT=0")
            #expect(tmux.format("#{alternate_on}") == "0")
        }
    }

    @Test func resizesLiveAndHonoursNoColor() async throws {
        try await offPool { () throws in
            let tmux = try Tmux("\(Paths.sockscope) -l 127.0.0.1 0", columns: 100, rows: 30, environment: ["NO_COLOR=1"])
            try tmux.wait(forText: "── Sockets")
            Child.runQuietly(["tmux", "-L", tmux.server, "resize-window", "-x", "64", "-y", "20"])
            try tmux.wait(for: "a 64-column layout") { screen in
                screen.split(separator: "\n").contains { $0.hasPrefix("── Sockets") && $0.count == 64 }
            }
            Child.runQuietly(["tmux", "-L", tmux.server, "resize-window", "-x", "30", "-y", "10"])
            try tmux.wait(forText: "Terminal too small: 30×10.")
            // No colour escapes at all under NO_COLOR (attributes such as bold remain).
            let styled = (try? Child.run(["tmux", "-L", tmux.server, "capture-pane", "-p", "-e"]))?.child.stdoutText ?? ""
            #expect(!styled.contains("[3") && !styled.contains("[4"), "colour codes under NO_COLOR: \(styled.prefix(300))")
            tmux.send("F10")
            try tmux.wait(forText: "EXIT=0")
        }
    }

    @Test func noTuiKeepsPipeModeInATerminal() async throws {
        try await offPool { () throws in
            let tmux = try Tmux("\(Paths.sockscope) --no-tui -v -n -l 127.0.0.1 0", columns: 80, rows: 24)
            try tmux.wait(forText: "Listening on 127.0.0.1 ")
            #expect(!tmux.screen().contains("── Sockets"))
            #expect(tmux.format("#{alternate_on}") == "0")
            tmux.send("C-c")
        }
    }

    @Test func watchShowsTheSystemsSocketsLive() async throws {
        try await offPool { () throws in
            let (listener, port) = try pythonPeer("""
                import socket, sys, time
                s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
                print("Listening on 127.0.0.1", s.getsockname()[1], file=sys.stderr, flush=True)
                time.sleep(30)
                """)
            defer { listener.signal(SIGKILL) }
            let tmux = try Tmux("\(Paths.sockscope) watch -t --port \(port)", columns: 100, rows: 30)
            let screen = try tmux.wait(for: "the listener's row") {
                $0.split(separator: "\n").contains { $0.contains("LISTEN") && $0.contains("127.0.0.1:\(port)") }
            }
            #expect(screen.contains("sockscope · watch · TCP port \(port)"))
            // A connection made while watching appears in the log, explained.
            let client = try Child(["python3", "-c", "import socket,time; c=socket.create_connection(('127.0.0.1', \(port))); time.sleep(30)"], stdin: .null)
            defer { client.signal(SIGKILL) }
            try tmux.wait(for: "the new connection in the table") {
                $0.split(separator: "\n").contains { $0.contains("ESTABLISHED") && $0.contains(":\(port)") && !$0.contains("→") }
            }
            tmux.send("F10")
            try tmux.wait(forText: "EXIT=0")
        }
    }

    @Test func withoutATerminalTuiIsRefusedAndPipeModeStays() async throws {
        try await offPool { () throws in
            let (code, child) = try Child.run([Paths.sockscope, "--tui", "127.0.0.1", "9"])
            #expect(code == 64)
            #expect(child.stderrText.hasPrefix("sockscope: --tui needs a terminal"))
            let (watchCode, watch) = try Child.run([Paths.sockscope, "watch"])
            #expect(watchCode == 64)
            #expect(watch.stderrText.contains("watch needs a terminal"))
        }
    }
}
