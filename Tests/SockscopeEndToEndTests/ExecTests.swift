import Glibc
import Testing
import TestSupport

/// --exec and --sh-exec: a program behind each connection, its input and output through the
/// engine — half-close passed both ways, one program per client, its end told and, with one
/// connection, exited with; a program that does not read holds the connection, nothing lost.
@Suite(.timeLimit(.minutes(2)))
struct ExecTests {
    /// `printf abc | sockscope -N host port` against `-l -c 'wc -c'` prints 3: our FIN reached the
    /// program as the end of its input, and the end of its output came back as the server's FIN.
    @Test func halfCloseBothWays() async throws {
        try await offPool { () throws in
            let (server, port) = try sockscopeListener(["-c", "wc -c"], stdin: .null)
            let client = try sockscope(["-N", "127.0.0.1", "\(port)"])
            client.write("abc")
            client.closeStdin()
            #expect(try client.waitForExit(timeout: 20) == 0)
            #expect(client.stdoutText.trimmingCharacters(in: .whitespaces) == "3\n")
            #expect(try server.waitForExit(timeout: 20) == 0, "\(server.stderrText)")
            #expect(server.stderrText.contains("Program of connection #1 (pid "), "\(server.stderrText)")
            #expect(server.stdoutText.isEmpty)
        }
    }

    /// -k: twenty clients at once, each with a program of its own (cat), each hearing exactly its
    /// own line back.
    @Test func twentyChildrenAtOnce() async throws {
        try await offPool { () throws in
            let (server, port) = try sockscopeListener(["-k", "-e", "cat"], stdin: .null)
            var clients: [Child] = []
            for index in 0..<20 {
                let client = try sockscope(["-N", "127.0.0.1", "\(port)"])
                client.write("client \(index) says hello\n")
                client.closeStdin()
                clients.append(client)
            }
            for (index, client) in clients.enumerated() {
                #expect(try client.waitForExit(timeout: 30) == 0)
                #expect(client.stdoutText == "client \(index) says hello\n", "\(client.stdoutText)")
            }
            try server.wait(for: "twenty programs ended", timeout: 20) {
                $0.stderrText.components(separatedBy: "ended: exit 0").count == 21
            }
            server.signal(SIGTERM)
            _ = try server.waitForExit()
        }
    }

    /// A program killed by a signal: told with the signal's name, the connection ends, and
    /// sockscope -l exits as the program did (128 + the signal).
    @Test func aChildKilledByASignal() async throws {
        try await offPool { () throws in
            let (server, port) = try sockscopeListener(["-c", "kill -9 $$"], stdin: .null)
            let client = try sockscope(["127.0.0.1", "\(port)"], stdin: .null)
            #expect(try server.waitForExit(timeout: 20) == 128 + SIGKILL, "\(server.stderrText)")
            #expect(server.stderrText.contains("ended: killed by signal 9 (Killed)"), "\(server.stderrText)")
            #expect(try client.waitForExit(timeout: 20) == 0)
        }
    }

    /// A program that reads nothing for two seconds, then counts what it is given: the 16 MiB
    /// sent meanwhile wait (the connection held, its window closed) and all arrive; sockscope
    /// spends next to no CPU while it waits.
    @Test func aChildThatDoesNotReadHoldsTheConnection() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let sent = scratch.file("sent.bin")
            try TLSTests.randomFile(sent, bytes: 16 << 20)
            // Run under python, which says at the end the CPU time it and the program spent.
            let server = try Child(["python3", "-c", """
                import resource, subprocess, sys
                subprocess.run(sys.argv[1:])
                used = resource.getrusage(resource.RUSAGE_CHILDREN)
                print('cpu %.3f' % (used.ru_utime + used.ru_stime), file=sys.stderr)
                """, Paths.sockscope, "-l", "-v", "-n", "-c", "sleep 2; wc -c", "127.0.0.1", "0"], stdin: .null)
            let port = try server.waitForPort()
            let client = try sockscope(["-N", "127.0.0.1", "\(port)"], stdin: .file(sent))
            #expect(try client.waitForExit(timeout: 60) == 0)
            #expect(client.stdoutText.trimmingCharacters(in: .whitespaces) == "\(16 << 20)\n")
            #expect(try server.waitForExit(timeout: 20) == 0)
            let cpu = server.stderrText.split(separator: "\n").last.flatMap { Double($0.dropFirst(4)) } ?? 99
            #expect(cpu < 1.0, "\(server.stderrText)")  // two seconds of waiting, not of spinning
        }
    }

    /// A program that cannot be started: one line, the client's connection closed, exit 1 —
    /// never a trap.
    @Test func aProgramThatCannotStart() async throws {
        try await offPool { () throws in
            let (server, port) = try sockscopeListener(["-e", "/nonexistent/program"], stdin: .null)
            let client = try Child(["nc", "-N", "127.0.0.1", "\(port)"])
            client.write("hi\n")
            client.closeStdin()
            // The client's connection ends (by a reset: how nc exits depends on when it comes).
            _ = try client.waitForExit(timeout: 20)
            #expect(try server.waitForExit(timeout: 20) == 1, "\(server.stderrText)")
            // One line, after the connection's own (-v): in the order things happened.
            let lines = server.stderrText.split(separator: "\n")
            let received = lines.firstIndex { $0.hasPrefix("Connection received on ") } ?? Int.max
            let failed = lines.firstIndex { $0 == "sockscope: --exec /nonexistent/program: No such file or directory" } ?? -1
            #expect(received < failed, "\(server.stderrText)")
        }
    }

    /// The program's standard error: ours by default; with --exec-stderr, the connection's,
    /// interleaved with its output as it wrote them.
    @Test func standardErrorGoesToOursOrWithExecStderrToThePeer() async throws {
        try await offPool { () throws in
            for toPeer in [false, true] {
                let (server, port) = try sockscopeListener(["-c", "echo out; echo err >&2; echo after"] + (toPeer ? ["--exec-stderr"] : []),
                                                           stdin: .null)
                let client = try Child(["nc", "-N", "127.0.0.1", "\(port)"])
                client.closeStdin()
                #expect(try client.waitForExit(timeout: 20) == 0)
                #expect(try server.waitForExit(timeout: 20) == 0, "\(server.stderrText)")
                #expect(client.stdoutText == (toPeer ? "out\nerr\nafter\n" : "out\nafter\n"), "\(client.stdoutText)")
                #expect(server.stderrText.contains("\nerr\n") == !toPeer, "\(server.stderrText)")
            }
        }
    }

    @Test func usageErrors() async throws {
        try await offPool { () throws in
            for (arguments, message) in [
                (["-u", "-l", "-e", "cat", "127.0.0.1", "1"], "sockscope: --exec: a program behind a TCP or Unix stream connection (not with -u or -z)"),
                (["-l", "-e", "cat", "-c", "cat", "127.0.0.1", "1"], "sockscope: --exec and --sh-exec: one or the other"),
                (["-l", "--exec-stderr", "127.0.0.1", "1"], "sockscope: --exec-stderr: with --exec or --sh-exec"),
            ] {
                let run = try Child.run([Paths.sockscope] + arguments)
                #expect(run.code == 64 && run.child.stderrText.hasPrefix(message), "\(run.child.stderrText)")
            }
        }
    }
}
