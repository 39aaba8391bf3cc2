import Foundation
import Glibc
import Testing
import TestSupport

/// `sockscope states --events`: transitions from the tracepoint, as root.
@Suite(.timeLimit(.minutes(4)), .enabled(if: Namespace.available, "skipped: needs root (tracefs, network namespaces)"))
struct EventsTests {
    static let instances = "/sys/kernel/tracing/instances"

    /// The tracing instance of the sockscope with this pid (`sockscope-PIDNS-PID-START`).
    static func instance(of pid: pid_t) -> String? {
        directoryEntries(instances).first { $0.hasPrefix("sockscope-") && $0.contains("-\(pid)-") }
            .map { "\(instances)/\($0)" }
    }

    /// The load generator of bench/events.sh, built for the test: COUNT connections at RATE a
    /// second, ten transitions each, after a line on its stdin.
    static func loadGenerator(_ scratch: Scratch) throws -> String {
        let binary = scratch.file("events-load")
        let built = try Child.run(["cc", "-O2", "-pthread", "-o", binary, Paths.packageRoot + "/bench/events-load.c"])
        guard built.code == 0 else { throw Child.Failure(description: "cc: \(built.child.stderrText)") }
        return binary
    }

    /// Both ways the tracepoint reaches us: eBPF (filtered in the kernel) and the tracefs fallback.
    static let sources = ["ebpf", "tracefs"]

    /// The command's prefix that chooses the source (SOCKSCOPE_TRACE=tracefs forces the fallback).
    static func choosing(_ source: String) -> [String] { ["env", "SOCKSCOPE_TRACE=\(source)"] }

    /// Whether a JSON transition came from the tracepoint, by either source.
    static func traced(_ object: [String: Any]) -> Bool { sources.contains(object["source"] as? String ?? "") }

    /// The JSON lines of one kind.
    static func objects(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// The tracepoint is system-wide: another namespace's connections — to the very same port
    /// number as ours — must not be shown.
    @Test(arguments: sources)
    func onlyThisNamespacesSocketsAreShown(source: String) async throws {
        try await offPool { () throws in
            let ours = try Namespace(), theirs = try Namespace()
            let listener = try Child(ours.exec(["nc", "-l", "-v", "-n", "127.0.0.1", "0"]), stdin: .null)
            let port = try listener.waitForPort()
            let events = try Child(ours.exec(Self.choosing(source) + [Paths.sockscope, "states", "--events", "--json", "--tcp"]))
            try events.waitForStdout(containing: "\"kind\":\"start\",\"sources\":[\"\(source)\"")
            // Forty connections in the other namespace, to a listener on our port number.
            let busy = try Child(theirs.exec(["python3", "-c", """
                import socket
                l = socket.socket(); l.bind(('127.0.0.1', \(port))); l.listen(64)
                for _ in range(40):
                    c = socket.create_connection(('127.0.0.1', \(port))); s, _ = l.accept(); c.close(); s.close()
                print('done', flush=True)
                """]), stdin: .null)
            #expect(try busy.waitForExit() == 0)
            let client = try Child(ours.exec(["sh", "-c", "echo hi | nc -N 127.0.0.1 \(port)"]), stdin: .null)
            #expect(try client.waitForExit() == 0)
            #expect(try listener.waitForExit() == 0)
            // Our connection, whole: both ends' last transitions.
            try events.wait(for: "our connection's close") { child in
                child.stdoutText.contains("\"from\":\"LAST_ACK\",\"to\":\"CLOSE\"")
                    && child.stdoutText.contains("\"from\":\"FIN_WAIT2\",\"to\":\"TIME_WAIT\"")
            }
            events.signal(SIGTERM)
            _ = try events.waitForExit()
            let transitions = Self.objects(events.stdoutText).filter { $0["kind"] as? String == "transition" && $0["source"] as? String == source }
            // Connections to our port number: ours alone (theirs were forty, each from its own port).
            let peers = Set(transitions.compactMap { t -> String? in
                guard let local = t["local"] as? String, let remote = t["remote"] as? String else { return nil }
                if local.hasSuffix(":\(port)") && !remote.hasSuffix(":0") { return remote }
                if remote.hasSuffix(":\(port)") && !local.hasSuffix(":0") { return local }
                return nil
            })
            #expect(peers.count == 1, "peers of port \(port): \(peers.sorted())")
            #expect(transitions.filter { !($0["local"] as? String ?? "").hasSuffix(":0") || $0["to"] as? String == "SYN_SENT" }
                .count >= 10)
        }
    }

    /// A reader in a namespace where nothing happens, while another namespace opens and closes a
    /// thousand connections: it shows nothing of theirs (eBPF keeps the other namespace's
    /// transitions in the kernel; tracefs sifts them out here). A `lost` line may tell a run the
    /// kernel skipped, which may have been anyone's; an `unplaced` one, tracefs's records of
    /// unknown namespace when it stops.
    @Test(arguments: sources)
    func anEmptyNamespaceSeesNothing(source: String) async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let load = try Self.loadGenerator(scratch)
            let empty = try Namespace(), busy = try Namespace()
            let generator = try Child(busy.exec([load, "1000", "2000"]))
            _ = try generator.waitForPort()
            let events = try Child(empty.exec(Self.choosing(source) + [Paths.sockscope, "states", "--events", "--json", "--tcp"]))
            try events.waitForStdout(containing: "\"kind\":\"start\",\"sources\":[\"\(source)\"")
            generator.write("go\n")
            try generator.waitForStdout(containing: "done 1000", timeout: 30)
            // Once the burst is over, a connection of the empty namespace's own: when it shows, the
            // reader has read past every transition of the burst.
            let listener = try Child(empty.exec(["nc", "-l", "-v", "-n", "127.0.0.1", "0"]), stdin: .null)
            let port = try listener.waitForPort()
            let client = try Child(empty.exec(["nc", "-N", "127.0.0.1", String(port)]), stdin: .null)
            #expect(try client.waitForExit() == 0)
            try events.waitForStdout(containing: "\"from\":\"LAST_ACK\",\"to\":\"CLOSE\"")
            events.signal(SIGTERM)
            _ = try events.waitForExit()
            let objects = Self.objects(events.stdoutText)
            let foreign = objects.filter { object in
                !["start", "lost", "unplaced"].contains(object["kind"] as? String) && ![object["local"], object["remote"]].contains { ($0 as? String)?.hasSuffix(":\(port)") == true }
            }
            #expect(foreign.isEmpty, "\(foreign.prefix(5))")
        }
    }

    /// 15,000 transitions a second: every one of them arrives, or the few the kernel could not
    /// trace are counted. It measures a rate: `make test` runs it alone, first.
    @Test func everyTransitionUnderLoad() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let load = try Self.loadGenerator(scratch)
            let namespace = try Namespace()
            let generator = try Child(namespace.exec([load, "3000", "1500"]))
            let port = try generator.waitForPort()
            // The reader at a higher priority: the rest of the suite runs beside it on two cores, and
            // a reader starved of CPU falls behind the kernel's destroy notices (the measure here is
            // what arrives, not who gets the CPU).
            let events = try Child(namespace.exec(["nice", "-n", "-10", Paths.sockscope, "states", "--events", "--json", "--tcp",
                                                   "--port", String(port)]))
            try events.waitForStdout(containing: "\"kind\":\"start\"")
            generator.write("go\n")
            try generator.waitForStdout(containing: "done 3000", timeout: 30)
            let pairs = ["CLOSE>SYN_SENT", "SYN_SENT>ESTABLISHED", "ESTABLISHED>FIN_WAIT1", "FIN_WAIT1>FIN_WAIT2", "FIN_WAIT2>TIME_WAIT",
                         "LISTEN>SYN_RECV", "SYN_RECV>ESTABLISHED", "ESTABLISHED>CLOSE_WAIT", "CLOSE_WAIT>LAST_ACK", "LAST_ACK>CLOSE"]
            // Every pair counted as lines arrive (a socket's transitions on two CPUs can come a moment
            // apart), parsed once after.
            // The closer's ending counts in either form while lines arrive (see below).
            let tally = LineTally(pairs.map { pair in
                let states = pair.split(separator: ">")
                return "\"from\":\"\(states[0])\",\"to\":\"\(states[1] == "TIME_WAIT" ? "" : states[1])"
            })
            // Until every pair is there, or the stream says some are lost (then SIGTERM: what is
            // buffered is read before it ends). On a timeout, the counts below say what is missing.
            try? events.wait(for: "the last connection's close", timeout: 120) { child in
                tally.update(child.stdout).allSatisfy { $0 >= 3000 } || child.stdoutText.contains("\"kind\":\"lost\"")
            }
            events.signal(SIGTERM)
            _ = try events.waitForExit()
            let objects = Self.objects(events.stdoutText)
            // eBPF cannot trace a transition in a softirq that interrupts the program on its CPU
            // (one BPF program at a time per CPU): rare, and counted. Rarer still, about one run in
            // ten with other processes busy on the CPUs, the kernel runs no BPF program at all for
            // a softirq that interrupted some task and counts no miss (tracefs sees them; a count
            // of the program's runs proved it never ran): the tables prove those transitions, and
            // the stream counts them lost ("at":"unreported") after its patience.
            let lost = objects.filter { $0["kind"] as? String == "lost" }.compactMap { $0["events"] as? Int }.reduce(0, +)
            #expect(lost <= 30, "\(lost) lost")
            #expect(events.stderrText.isEmpty || lost > 0, "\(events.stderrText)")
            // The closer close()s: its FIN_WAIT2 is an orphan handed to a timewait socket. When a table
            // reading falls before the other FIN, that socket's own FIN_WAIT2 → TIME_WAIT comes from
            // the tables (proc); otherwise the handoff is fused with the traced ending. One arrow each.
            let seen = Dictionary(grouping: objects.filter {
                Self.traced($0) || ($0["source"] as? String == "proc" && Self.pair($0) == "FIN_WAIT2>TIME_WAIT")
            }) { Self.pair($0) }
            // Every ending arrives. Fused with the tables it is FIN_WAIT2 → TIME_WAIT; a connection
            // whose timewait socket a reset killed (the load's clients send a few, with or without a
            // reader: 24–44 in 3,000 measured with none, CPUs busy; each seen with --segments) shows
            // as → CLOSE, which it is. A very few more (0–2 a run) are endings whose timewait socket
            // the lookup did not find: see the issue's note.
            let resets = try Self.resetsSent(in: namespace)
            let endings = (seen["FIN_WAIT2>TIME_WAIT"]?.count ?? 0) + (seen["FIN_WAIT2>CLOSE"]?.count ?? 0)
            // What the stream said it left at the end (SIGTERM), for a failure's reader.
            let leftover = objects.filter { ["lost", "unplaced"].contains($0["kind"] as? String ?? "") }
                + [["pairs": Dictionary(grouping: objects.filter(Self.traced), by: Self.pair).mapValues(\.count)
                        .filter { !pairs.contains($0.key) }]]
            #expect(endings <= 3000 && endings + lost >= 3000, "FIN_WAIT2 endings: \(endings); left at the end: \(leftover)")
            #expect((seen["FIN_WAIT2>CLOSE"]?.count ?? 0) <= resets + 3,
                    "endings shown as closes: \(seen["FIN_WAIT2>CLOSE"]?.count ?? 0), resets sent: \(resets)")
            // Nothing goes backwards: TIME_WAIT ends only in CLOSE (a client port used again puts a
            // newer connection's socket on the same four-tuple; it is that one's, not a step back).
            let backwards = objects.filter { $0["from"] as? String == "TIME_WAIT" && $0["to"] as? String != "CLOSE" }
            #expect(backwards.isEmpty, "\(backwards.prefix(3))")
            for pair in pairs where pair != "FIN_WAIT2>TIME_WAIT" {
                let count = seen[pair]?.count ?? 0
                #expect(count <= 3000 && count + lost >= 3000, "\(pair): \(count), \(lost) lost")
            }
        }
    }

    /// Retransmissions from the kernel (eBPF on tcp_retransmit_skb), without the capture: a dial
    /// whose SYN-ACKs nft drops sends its SYN again each second; the stream shows each, in JSON
    /// and as a text line, with the socket's state — and no other namespace's. The dial waits
    /// 5.5 s (four or five SYNs again, or two with exponential backoff) and two are asked for:
    /// on a busy machine the kernel can skip the program for a timer's softirq (see the lost
    /// transitions of issue 19), once.
    @Test(.enabled(if: Paths.which("nft"), "skipped: needs nft"))
    func retransmissionsAreShown() async throws {
        try await offPool { () throws in
            let namespace = try Namespace(), other = try Namespace()
            for place in [namespace, other] {
                for rule in [["add", "table", "inet", "hold"],
                             ["add", "chain", "inet", "hold", "input", "{ type filter hook input priority 0 ; }"],
                             ["add", "rule", "inet", "hold", "input", "tcp flags & (syn|ack) == (syn|ack) drop"]] {
                    #expect(Child.runQuietly(place.exec(["nft"] + rule)) == 0)
                }
            }
            let json = try Child(namespace.exec([Paths.sockscope, "states", "--events", "--json", "--tcp"]), stdin: .null)
            let text = try Child(namespace.exec([Paths.sockscope, "states", "--events", "--tcp"]), stdin: .null)
            try json.waitForStdout(containing: "\"kind\":\"start\",\"sources\":[\"ebpf\"")
            try text.waitForStderrLine(containing: "Watching")
            let dial = """
                import socket, sys
                l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(1)
                c = socket.socket(); c.settimeout(5.5)
                try:
                    c.connect(l.getsockname())
                except OSError:
                    pass
                print(c.getsockname()[1], flush=True)
                """
            let ours = try Child.run(namespace.exec(["python3", "-c", dial]))
            let theirs = try Child.run(other.exec(["python3", "-c", dial]))
            let port = ours.child.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
            let otherPort = theirs.child.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
            var retransmits: [[String: Any]] = []
            try json.wait(for: "two retransmitted SYNs", timeout: 20) { child in
                retransmits = Self.objects(child.stdoutText).filter { $0["kind"] as? String == "retransmit" }
                return retransmits.count >= 2
            }
            try text.wait(for: "the text lines", timeout: 20) { child in
                child.stdoutText.components(separatedBy: " retransmit (SYN_SENT) ebpf").count >= 3
            }
            json.signal(SIGTERM)
            text.signal(SIGTERM)
            _ = try json.waitForExit()
            _ = try text.waitForExit()
            #expect(retransmits.allSatisfy {
                $0["local"] as? String == "127.0.0.1:\(port)" && $0["state"] as? String == "SYN_SENT" && $0["source"] as? String == "ebpf"
                    && ($0["explanation"] as? String)?.hasPrefix("the SYN was sent again") == true
            }, "\(retransmits)")
            #expect(otherPort == port || !json.stdoutText.contains(":\(otherPort)\""), "another namespace's retransmissions shown")
            #expect(text.stdoutText.contains("tcp 127.0.0.1:\(port) "))
        }
    }

    /// The resets the namespace's TCP has sent (TcpOutRsts), as nstat reads them without
    /// touching its history.
    static func resetsSent(in namespace: Namespace) throws -> Int {
        let run = try Child.run(namespace.exec(["nstat", "-a", "-s", "-z", "TcpOutRsts"]))
        let line = run.child.stdoutText.split(separator: "\n").first { $0.hasPrefix("TcpOutRsts") }
        return try #require(line.flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true)[1]) },
                            "nstat: \(run.child.stdoutText) \(run.child.stderrText)")
    }

    /// A burst the reader cannot keep up with (8,000 connections as fast as they go, 80,000
    /// transitions), then SIGINT the moment it is over: for up to about a second the stream reads
    /// what the kernel still holds, then counts what is left — every transition is shown or told
    /// (a `lost` line `"at":"end"`, an `unplaced` one), none goes in silence, and the process
    /// dies by the signal. It measures a rate: `make test` runs it alone, with the load test.
    @Test func nothingIsLostInSilenceAtTheEnd() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let load = try Self.loadGenerator(scratch)
            let namespace = try Namespace()
            let generator = try Child(namespace.exec([load, "8000", "1000000"]))
            let port = try generator.waitForPort()
            // Into a file: the stream's own output never waits on a reader here.
            let output = scratch.file("events.json")
            let events = try Child(namespace.exec([Paths.sockscope, "states", "--events", "--json", "--tcp", "--port", String(port)]),
                                   stdout: .file(output))
            try events.wait(for: "the start line") { _ in String(decoding: readFile(output), as: UTF8.self).contains("\"kind\":\"start\"") }
            generator.write("go\n")
            try generator.waitForStdout(containing: "done ", timeout: 60)
            events.signal(SIGINT)
            #expect(try events.waitForExit(timeout: 10) == 128 + SIGINT)
            let made = Int(generator.stdoutText.split(separator: " ").dropFirst().first ?? "") ?? 0
            #expect(made == 8000, "\(generator.stdoutText)")
            let objects = Self.objects(String(decoding: readFile(output), as: UTF8.self))
            let shown = objects.filter { $0["kind"] as? String == "transition" }.count
            let lost = objects.filter { $0["kind"] as? String == "lost" }.compactMap { $0["events"] as? Int }.reduce(0, +)
            let unplaced = objects.filter { $0["kind"] as? String == "unplaced" }.compactMap { $0["events"] as? Int }.reduce(0, +)
            // Ten transitions a connection, all after the start line (the listener's came before).
            #expect(shown + lost + unplaced >= made * 10, "shown \(shown), lost \(lost), unplaced \(unplaced) of \(made * 10)")
            #expect(events.stderrText.isEmpty, "\(events.stderrText)")
        }
    }

    /// A reader that falls behind (stopped here) loses records when the buffer overruns: it says
    /// so, in the JSON stream and on standard error, with the count.
    @Test(arguments: [true, false], sources)
    func lostTransitionsAreReported(json: Bool, source: String) async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let load = try Self.loadGenerator(scratch)
            let namespace = try Namespace()
            let generator = try Child(namespace.exec([load, "600", "3000"]))
            let port = try generator.waitForPort()
            let events = try Child(namespace.exec(Self.choosing(source) + ["SOCKSCOPE_TRACE_BUFFER_KB=64", Paths.sockscope, "states", "--events",
                                                   "--tcp", "--port", String(port)] + (json ? ["--json"] : [])))
            if json { try events.waitForStdout(containing: "\"kind\":\"start\"") } else { try events.waitForStderrLine(containing: "Watching TCP") }
            events.signal(SIGSTOP)
            generator.write("go\n")
            try generator.waitForStdout(containing: "done 600", timeout: 30)
            events.signal(SIGCONT)
            if json {
                try events.wait(for: "a lost record") { child in
                    Self.objects(child.stdoutText).contains { $0["kind"] as? String == "lost" && ($0["events"] as? Int ?? 0) > 0 }
                }
            } else {
                let line = try events.waitForStderrLine(containing: "transitions lost")
                #expect(line.hasPrefix("sockscope: ") && Int(line.split(separator: " ")[1]) ?? 0 > 0)
            }
            events.signal(SIGTERM)
            _ = try events.waitForExit()
        }
    }

    /// A sockscope in another PID namespace, whose pid means nothing (or someone else) in ours,
    /// keeps its tracing instance when another one starts here.
    @Test func anInstanceOfAnotherPIDNamespaceIsLeftAlone() async throws {
        try await offPool { () throws in
            // A pid free in our namespace, given to the inner sockscope through ns_last_pid.
            let inner = try #require((77777..<77877).first { kill(pid_t($0), 0) != 0 && errno == ESRCH })
            let outer = try Child(["unshare", "-p", "-f", "--mount-proc", "sh", "-c",
                                   "echo \(inner - 1) > /proc/sys/kernel/ns_last_pid; SOCKSCOPE_TRACE=tracefs \(Paths.sockscope) states --events & wait"])
            try outer.waitForStderrLine(containing: "Watching TCP")
            let theirs = try #require(directoryEntries(Self.instances).first {
                $0.hasPrefix("sockscope-") && ($0 == "sockscope-\(inner)" || $0.contains("-\(inner)-"))
            })
            let enable = "\(Self.instances)/\(theirs)/events/sock/inet_sock_set_state/enable"
            #expect(String(decoding: readFile(enable), as: UTF8.self) == "1\n")
            let ours = try Child.run(Self.choosing("tracefs") + [Paths.sockscope, "states", "--events", "--duration", "0.2"])
            #expect(ours.code == 0)
            #expect(String(decoding: readFile(enable), as: UTF8.self) == "1\n", "another namespace's live instance was disabled")
            // SIGTERM to the inner sockscope (the child of unshare's shell): it cleans up and ends.
            let shell = try Child.run(["pgrep", "-P", String(outer.pid)]).child.stdoutText.split(separator: "\n").first ?? ""
            Child.runQuietly(["pkill", "-TERM", "-P", String(shell), "-x", "sockscope"])
            _ = try outer.waitForExit()
            #expect(!fileExists("\(Self.instances)/\(theirs)"))
        }
    }

    /// The ten transitions of a real nc session, opening and closing, in the kernel's order per
    /// socket, each with its time in the previous state except the two births (a connecting
    /// socket's time in CLOSE and an accepted socket's in LISTEN are not the kernel's to tell).
    @Test(arguments: sources)
    func aRealNcSessionsTenTransitions(source: String) async throws {
        try await offPool { () throws in
            let namespace = try Namespace()
            let listener = try Child(namespace.exec(["nc", "-l", "-v", "-n", "127.0.0.1", "0"]), stdin: .null)
            let port = try listener.waitForPort()
            // In the namespace, so that /proc shows the session's sockets (ip netns exec execs in place:
            // the pid is sockscope's).
            let events = try Child(namespace.exec(Self.choosing(source) + [Paths.sockscope, "states", "--events", "--json", "--tcp",
                                                                           "--port", String(port)]))
            try events.waitForStdout(containing: "\"kind\":\"start\"")
            // The fallback says why eBPF is not in use.
            let unavailable = source == "ebpf" ? "{}" : "{\"ebpf\":\"forced by SOCKSCOPE_TRACE=tracefs\"}"
            #expect(events.stdoutText.hasPrefix("{\"kind\":\"start\",\"sources\":[\"\(source)\",\"proc\"],\"unavailable\":\(unavailable)}\n"))
            let client = try Child(namespace.exec(["sh", "-c", "echo hi | nc -N 127.0.0.1 \(port)"]), stdin: .null)
            #expect(try client.waitForExit() == 0)
            #expect(try listener.waitForExit() == 0)

            let expected = [
                "CLOSE>SYN_SENT", "SYN_SENT>ESTABLISHED", "LISTEN>SYN_RECV", "SYN_RECV>ESTABLISHED",
                "ESTABLISHED>FIN_WAIT1", "ESTABLISHED>CLOSE_WAIT", "CLOSE_WAIT>LAST_ACK",
                "FIN_WAIT1>FIN_WAIT2", "FIN_WAIT2>TIME_WAIT", "LAST_ACK>CLOSE",
            ]
            var traced: [[String: Any]] = []
            try events.wait(for: "the ten traced transitions") { child in
                traced = child.stdoutText.split(separator: "\n").compactMap {
                    try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
                }.filter { $0["source"] as? String == source && ($0["remote"] as? String)?.hasSuffix(":0") == false }
                return Set(traced.map(Self.pair)).isSuperset(of: expected)
            }
            let session = traced.filter { expected.contains(Self.pair($0)) }
            #expect(session.count == 10)
            for event in session {
                let births = ["CLOSE>SYN_SENT", "LISTEN>SYN_RECV"]
                if births.contains(Self.pair(event)) {
                    #expect(event["durationMs"] is NSNull)
                } else {
                    let ms = try #require(event["durationMs"] as? Double, "\(Self.pair(event)) has no duration")
                    #expect(ms >= 0 && ms < 5000)
                }
                #expect(((event["explanation"] as? String) ?? "").count > 40)
            }
            // Per socket, the kernel's order: the client's states in sequence.
            let clientPort = try #require(session.first { Self.pair($0) == "SYN_SENT>ESTABLISHED" }?["local"] as? String)
            #expect(session.filter { $0["local"] as? String == clientPort }.map(Self.pair)
                    == ["SYN_SENT>ESTABLISHED", "ESTABLISHED>FIN_WAIT1", "FIN_WAIT1>FIN_WAIT2", "FIN_WAIT2>TIME_WAIT"])
            // The tracepoint's FIN_WAIT2 → CLOSE and the tables' TIME_WAIT are one arrow: the
            // active closer's ending appears exactly once, never from CLOSE.
            let all = Self.objects(events.stdoutText).filter { $0["kind"] as? String == "transition" }
            #expect(all.filter { $0["to"] as? String == "TIME_WAIT" }.map(Self.pair) == ["FIN_WAIT2>TIME_WAIT"])
            #expect(!all.contains { Self.pair($0) == "FIN_WAIT2>CLOSE" })
            let handoff = try #require(all.first { Self.pair($0) == "FIN_WAIT2>TIME_WAIT" }?["explanation"] as? String)
            #expect(handoff.contains("timewait socket"))

            events.signal(SIGINT)
            #expect(try events.waitForExit() == 128 + SIGINT)
            #expect(Self.instance(of: events.pid) == nil, "no tracing instance is left")
        }
    }

    @Test(arguments: sources)
    func textLinesAndDuration(source: String) async throws {
        try await offPool { () throws in
            let namespace = try Namespace()
            let listener = try Child(namespace.exec(["nc", "-l", "-v", "-n", "127.0.0.1", "0"]), stdin: .null)
            let port = try listener.waitForPort()
            let events = try Child(namespace.exec(Self.choosing(source) + [Paths.sockscope, "states", "--events", "--port", String(port),
                                                                           "--duration", "3"]))
            try events.waitForStderrLine(containing: "Watching TCP and UDP state changes (sources: \(source), proc)")
            let client = try Child(namespace.exec(["nc", "-N", "127.0.0.1", String(port)]), stdin: .null)
            #expect(try client.waitForExit() == 0)
            #expect(try events.waitForExit(timeout: 10) == 0)
            let line = try #require(events.stdoutText.split(separator: "\n").first { $0.contains("SYN_SENT -> ESTABLISHED") })
            // `TIME PROTO LOCAL PEER FROM -> TO (N.NNN ms) SOURCE`
            let fields = line.split(separator: " ")
            #expect(fields.count == 10)
            #expect(fields[1] == "tcp" && fields[3] == "127.0.0.1:\(port)" && fields[5] == "->" && fields[9] == source)
            #expect(fields[8] == "ms)" && fields[7].hasPrefix("(") && Double(fields[7].dropFirst()) != nil)
        }
    }

    /// Every signal ends the stream after the clean-up, and the process dies by it (EXIT STATUS).
    @Test(arguments: [SIGTERM, SIGHUP, SIGQUIT])
    func signalsRemoveTheTracingInstance(signal: Int32) async throws {
        try await offPool { () throws in
            let events = try Child(Self.choosing("tracefs") + [Paths.sockscope, "states", "--events"])
            try events.waitForStderrLine(containing: "Watching TCP")
            #expect(Self.instance(of: events.pid) != nil)
            events.signal(signal)
            #expect(try events.waitForExit() == 128 + signal)
            #expect(Self.instance(of: events.pid) == nil)
        }
    }

    /// A sockscope killed with SIGKILL cannot clean up; the next one removes what it left.
    @Test func orphanedInstancesAreRemoved() async throws {
        try await offPool { () throws in
            let events = try Child(Self.choosing("tracefs") + [Paths.sockscope, "states", "--events"])
            try events.waitForStderrLine(containing: "Watching TCP")
            let orphan = try #require(Self.instance(of: events.pid))
            events.signal(SIGKILL)
            _ = try events.waitForExit()
            #expect(fileExists(orphan))
            let next = try Child.run(Self.choosing("tracefs") + [Paths.sockscope, "states", "--events", "--duration", "0.2"])
            #expect(next.code == 0)
            #expect(!fileExists(orphan))
        }
    }

    @Test(.enabled(if: Paths.which("setpriv"), "skipped: needs setpriv"))
    func withoutRootSaysWhatIsOff() async throws {
        try await offPool { () throws in
            let result = try Child.run(Paths.asNobody + [Paths.sockscopeForAnyone, "states", "--events", "--json", "--duration", "0.3"])
            #expect(result.code == 0)
            #expect(result.child.stdoutText.hasPrefix(
                "{\"kind\":\"start\",\"sources\":[\"proc\"],\"unavailable\":{\"ebpf\":\"needs root\",\"tracefs\":\"needs root\"}}\n"))
            #expect(result.child.stderrText.contains("the tracepoint is off, through eBPF and tracefs (needs root)"))
        }
    }

    static func pair(_ event: [String: Any]) -> String {
        "\(event["from"] as? String ?? "-")>\(event["to"] as? String ?? "-")"
    }
}
