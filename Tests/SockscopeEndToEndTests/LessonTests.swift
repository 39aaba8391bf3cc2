import Foundation
import Glibc
import Testing
import TestSupport

/// `sockscope lesson`: every lesson run as CI runs it (`--script --json`, as root), and the
/// promise that nothing outside the lesson's namespace is left changed — after a normal end and
/// after SIGTERM in the middle of a step.
@Suite(.timeLimit(.minutes(6)))
struct LessonTests {
    static var root: Bool { getuid() == 0 && Paths.which("nft") && Paths.which("tc") }

    /// What a lesson could leave behind in the root namespace: named namespaces (other than the
    /// ones other tests make meanwhile), nft rules, the sysctls it sets, lo's qdisc.
    static func outside() throws -> [String] {
        let namespaces = try Child.run(["ip", "netns", "list"]).child.stdoutText
            .split(separator: "\n").filter { !$0.hasPrefix("sockscope-test-") }.joined(separator: "\n")
        let rules = try Child.run(["nft", "list", "ruleset"]).child.stdoutText
        // The sysctls the lessons set, as the root namespace has them: a lesson sets them in its own.
        let sysctls = ["tcp_rto_max_ms", "tcp_syn_retries", "tcp_synack_retries", "tcp_syncookies", "tcp_fin_timeout",
                       "tcp_syn_linear_timeouts", "tcp_tw_reuse", "tcp_recovery"]
            .map { name in name + "=" + String(decoding: readFile("/proc/sys/net/ipv4/\(name)"), as: UTF8.self) }.joined()
        let qdisc = try Child.run(["tc", "qdisc", "show", "dev", "lo"]).child.stdoutText
        return [namespaces, rules, sysctls, qdisc]
    }

    /// The tracing instances the runs with these pids left.
    static func instances(of pids: [pid_t]) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/sys/kernel/tracing/instances")) ?? []
        return names.filter { name in pids.contains { name.hasPrefix("sockscope-") && name.contains("-\($0)-") } }
    }

    static func names() throws -> [String] {
        let list = try Child.run([Paths.sockscope, "lesson"])
        #expect(list.code == 0)
        return list.child.stdoutText.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    @Test func listsTwelveLessonsOrMore() async throws {
        try await offPool { () throws in
            let names = try Self.names()
            #expect(names.count >= 12)
            #expect(Set(names).count == names.count)
            let list = try Child.run([Paths.sockscope, "lesson"]).child.stdoutText
            #expect(list.split(separator: "\n").allSatisfy { $0.unicodeScalars.count <= 80 }, "one line each, in 80 columns")
            for required in ["handshake", "close", "simultaneous-close", "udp"] { #expect(names.contains(required)) }
            // In the order suggested for a class (the first four: a 20-minute class), minutes each.
            #expect(Array(names.prefix(4)) == ["handshake", "close", "time-wait", "flow-control"])
            let minutes = list.split(separator: "\n").compactMap { line in line.split(separator: " ").dropFirst().first.flatMap { Int($0) } }
            #expect(minutes.count == names.count && minutes.prefix(4).reduce(0, +) == 20, "\(list)")
        }
    }

    /// Each call is said with what it returned (strace's way): the writes lesson's send() takes
    /// less than asked and the next call says EAGAIN; a non-blocking connect() says EINPROGRESS.
    @Test(.enabled(if: LessonTests.root, "skipped: needs root (namespaces, nft, tc)"))
    func everyCallSaysWhatItReturned() async throws {
        try await offPool { () throws in
            let run = try Child.run([Paths.sockscope, "lesson", "writes", "--script"], timeout: 90)
            #expect(run.code == 0, "\(run.child.stderrText)")
            let calls = run.child.stdoutText.split(separator: "\n").filter { $0.hasPrefix("  do     ") }
            #expect(calls.contains { $0.contains("connect() client") && $0.hasSuffix("= -1 EINPROGRESS (non-blocking: the handshake goes on)") }, "\(calls)")
            let send = calls.first { $0.contains("send() 1000000 bytes from client = ") } ?? ""
            let taken = Int(send.split(separator: "= ").dropFirst().first?.prefix { $0.isNumber } ?? "") ?? 0
            #expect(taken > 0 && taken < 1_000_000 && send.contains("of 1000000") && send.contains("again = -1 EAGAIN"), "\(send)")
            #expect(run.child.stdoutText.contains("ok     send() at client took \(taken) of 1000000 bytes"))
        }
    }

    @Test(.enabled(if: LessonTests.root, "skipped: needs root (namespaces, nft, tc)"))
    func everyLessonPassesAndLeavesNothingBehind() async throws {
        try await offPool { () throws in
            let before = try Self.outside()
            let start = now()
            var pids: [pid_t] = []
            for name in try Self.names() {
                let run = try Child.run([Paths.sockscope, "lesson", name, "--script", "--json"], timeout: 90)
                pids.append(run.child.pid)
                let lines = run.child.stdoutText.split(separator: "\n")
                let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                #expect(objects.count == lines.count, "\(name): every line is a JSON object")
                let failed = objects.filter { $0["kind"] as? String == "check" && $0["passed"] as? Int == 0 }.compactMap { $0["text"] as? String }
                #expect(run.code == 0, "\(name) failed: \(failed) \(run.child.stderrText)")
                let result = try #require(objects.last, "\(name) printed nothing")
                #expect(result["kind"] as? String == "result" && result["passed"] as? Int == result["of"] as? Int, "\(name): \(result)")
                // Every step was told, and its segments: the kernel's, not the script's.
                #expect(objects.contains { $0["kind"] as? String == "segment" } , "\(name): no segment seen")
            }
            #expect(now() - start < 300, "all lessons together take under 5 minutes")
            #expect(try Self.outside() == before)
            #expect(Self.instances(of: pids).isEmpty)
        }
    }

    /// SIGTERM, SIGHUP or SIGINT while a step waits (refused's ETIMEDOUT step takes 7 s): the
    /// process dies by the signal within a second, and leaves nothing behind.
    @Test(.enabled(if: LessonTests.root, "skipped: needs root (namespaces, nft, tc)"), arguments: [SIGTERM, SIGHUP, SIGINT])
    func aSignalMidStepLeavesNothingBehind(signal: Int32) async throws {
        try await offPool { () throws in
            let before = try Self.outside()
            let run = try Child([Paths.sockscope, "lesson", "refused", "--script"])
            try run.waitForStdout(containing: "step 2/3", timeout: 20)
            run.signal(signal)
            #expect(try run.waitForExit(timeout: 5) == 128 + signal)
            // How soon it ends: bench/signals.sh.
            #expect(try Self.outside() == before)
            #expect(Self.instances(of: [run.pid]).isEmpty)
        }
    }

    /// A class on one machine: three handshake and three close lessons at once, all on the same
    /// addresses (each in a namespace of its own). The tracepoint reports every namespace; each
    /// lesson tells its own ends' transitions and no other's — none that a lesson run alone does
    /// not tell, none twice — and passes. (Not "all of them": a transition the kernel's eBPF path
    /// drops without a count, rare and more so on an idle machine, is the issue's open note.)
    @Test(.enabled(if: LessonTests.root, "skipped: needs root (namespaces, nft, tc)"))
    func lessonsAtTheSameTimeDoNotMix() async throws {
        try await offPool { () throws in
            let expected = [
                "handshake": ["listener CLOSE>LISTEN", "client CLOSE>SYN_SENT", "server LISTEN>SYN_RECV",
                              "client SYN_SENT>ESTABLISHED", "server SYN_RECV>ESTABLISHED"],
                "close": ["listener CLOSE>LISTEN", "client CLOSE>SYN_SENT", "client SYN_SENT>ESTABLISHED",
                          "server LISTEN>SYN_RECV", "server SYN_RECV>ESTABLISHED", "client ESTABLISHED>FIN_WAIT1",
                          "server ESTABLISHED>CLOSE_WAIT", "client FIN_WAIT1>FIN_WAIT2", "server CLOSE_WAIT>LAST_ACK",
                          "client FIN_WAIT2>TIME_WAIT", "server LAST_ACK>CLOSE"],
            ]
            let names = ["handshake", "close", "handshake", "close", "handshake", "close"]
            let runs = try names.map { try Child([Paths.sockscope, "lesson", $0, "--script", "--json"], stdin: .null) }
            for (name, run) in zip(names, runs) {
                let code = try run.waitForExit(timeout: 90)
                let objects = run.stdoutText.split(separator: "\n").compactMap {
                    try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
                }
                #expect(code == 0, "\(name): \(run.stderrText)")
                let told = objects.filter { $0["kind"] as? String == "transition" }.map {
                    "\($0["end"] as? String ?? "?") \($0["from"] as? String ?? "?")>\($0["to"] as? String ?? "?")"
                }
                let alone = Dictionary((expected[name] ?? []).map { ($0, 1) }, uniquingKeysWith: +)
                let foreign = Dictionary(told.map { ($0, 1) }, uniquingKeysWith: +).filter { $0.value > (alone[$0.key] ?? 0) }
                #expect(foreign.isEmpty, "\(name) told \(told)")
                // And the tracepoint was on: a dialer's SYN_SENT is its to tell.
                #expect(told.contains("client CLOSE>SYN_SENT"), "\(name) told \(told)")
            }
        }
    }

    /// SIGKILL leaves no namespace and no rule (the kernel removes the namespace with the
    /// process); the tracing instance it could not remove goes at the next lesson's start.
    @Test(.enabled(if: LessonTests.root, "skipped: needs root (namespaces, nft, tc)"))
    func aKilledLessonsLeftoversGoAtTheNextStart() async throws {
        try await offPool { () throws in
            let before = try Self.outside()
            let killed = try Child([Paths.sockscope, "lesson", "refused", "--script"])
            try killed.waitForStdout(containing: "step 2/3", timeout: 20)
            killed.signal(SIGKILL)
            #expect(try killed.waitForExit(timeout: 5) == 128 + SIGKILL)
            #expect(try Self.outside() == before)
            let next = try Child.run([Paths.sockscope, "lesson", "udp", "--script"], timeout: 60)
            #expect(next.code == 0)
            #expect(Self.instances(of: [killed.pid]).isEmpty)
        }
    }

    /// Without root, a lesson is one line and exit 1 (as root, the test runs it as nobody).
    @Test func withoutRootOneLineAndExit1() async throws {
        try await offPool { () throws in
            let command = getuid() == 0 ? Paths.asNobody + [Paths.sockscopeForAnyone] : [Paths.sockscope]
            let run = try Child.run(command + ["lesson", "handshake", "--script"])
            #expect(run.code == 1)
            let lines = run.child.stderrText.split(separator: "\n")
            #expect(lines.count == 1)
            #expect(lines.first?.contains("root") == true && lines.first?.contains("replay") == true, "\(lines)")
            #expect(run.child.stdout.isEmpty)
        }
    }

    @Test func anUnknownLessonIsAUsageError() async throws {
        try await offPool { () throws in
            let run = try Child.run([Paths.sockscope, "lesson", "no-such-lesson", "--script"])
            #expect(run.code == 64)
            #expect(run.child.stderrText.contains("no lesson named 'no-such-lesson'"))
            let json = try Child.run([Paths.sockscope, "lesson", "--json"])
            #expect(json.code == 64)
            #expect(json.child.stderrText.split(separator: "\n").count == 1)
        }
    }

    static let fixture = Paths.packageRoot + "/Tests/SockscopeTUITests/Fixtures/Lessons/close.jsonl"

    /// A recording plays without root: its script is the live run's, ✗ and verdicts included.
    /// (As root, as nobody, from a copy that nobody can read wherever the clone lives.)
    @Test func aRecordingReplaysAsAScriptWithoutRoot() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            chmod(scratch.path, 0o755)
            let recording = scratch.file("close.jsonl")
            writeFile(recording, readFile(Self.fixture))
            chmod(recording, 0o644)
            let prefix = getuid() == 0 ? Paths.asNobody + [Paths.sockscopeForAnyone] : [Paths.sockscope]
            let run = try Child.run(prefix + ["replay", recording, "--script"])
            #expect(run.code == 0, "\(run.child.stderrText)")
            #expect(run.child.stdoutText.contains("lesson close: 5 of 5 steps passed"))
            #expect(run.child.stdoutText.contains("✗ dropped"))
            #expect(run.child.stdoutText.contains("client FIN_WAIT2 → TIME_WAIT"))
            let json = try Child.run(prefix + ["replay", recording, "--script", "--json"])
            #expect(json.child.stdoutText == String(decoding: readFile(Self.fixture), as: UTF8.self))
        }
    }

    /// A damaged recording, or a file that is not one, is refused in one line, exit 1.
    @Test func aDamagedRecordingIsRefusedInOneLine() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let lines = String(decoding: readFile(Self.fixture), as: UTF8.self).split(separator: "\n")
            let damaged = scratch.file("damaged.jsonl")
            writeFile(damaged, Array((lines.prefix(3).joined(separator: "\n") + "\n{\"kind\":\"segment\",\"time\":1}\n").utf8))
            for (path, message) in [(damaged, "line 4 is not a lesson event"), ("/nonexistent/x.jsonl", "No such file"),
                                    ("/etc/hostname", "line 1 is not a lesson event")] {
                let run = try Child.run([Paths.sockscope, "replay", path, "--script"])
                #expect(run.code == 1)
                #expect(run.child.stderrText.split(separator: "\n").count == 1)
                #expect(run.child.stderrText.contains(message), "\(run.child.stderrText)")
            }
        }
    }

    /// A reader that has gone away (`| head -1`) ends a lesson's or a replay's script quietly by
    /// SIGPIPE, as a pipeline expects — after the lab is cleaned up, not instead. (The pipe's read
    /// end is closed before the start, so that every write fails: no race with the reader.)
    @Test func aReaderThatWentAwayEndsTheScriptQuietly() async throws {
        try await offPool { () throws in
            var runs = [[Paths.sockscope, "replay", Self.fixture, "--script"]]
            if Self.root { runs.append([Paths.sockscope, "lesson", "udp", "--script"]) }
            let closedReader = """
                import os, subprocess, sys
                r, w = os.pipe(); os.close(r)
                run = subprocess.run(sys.argv[1:], stdout=w, stderr=subprocess.PIPE)
                print(run.returncode, run.stderr.decode(), end='')
                """
            for arguments in runs {
                let run = try Child.run(["python3", "-c", closedReader] + arguments, timeout: 60)
                #expect(run.child.stdoutText == "-\(SIGPIPE) ", "\(arguments): \(run.child.stdoutText)")
            }
        }
    }
}
