import Glibc
import Testing
import TestSupport

/// Bad input: one line on stderr beginning `sockscope: `, the documented exit code, never a trap,
/// a backtrace or a hang.
@Suite(.timeLimit(.minutes(4)))
struct BadInputTests {
    @Test(arguments: [
        (["127.0.0.1", "99999"], 64, "sockscope: port number too large: 99999"),
        (["127.0.0.1", "http-alt-nope"], 64, "sockscope: port number invalid: http-alt-nope"),
        (["-l", "-z", "80"], 64, "sockscope: cannot use -z and -l"),
        (["-U", "-4", "/tmp/x"], 64, "sockscope: cannot use -U with -4"),
        (["-k", "127.0.0.1", "80"], 64, "sockscope: must use -l with -k"),
        (["-w", "abc", "127.0.0.1", "80"], 64, "sockscope: The value 'abc' is invalid for '-w <secs>'"),
        (["-P", "user", "127.0.0.1", "80"], 64,
         "sockscope: -P: nc's proxy user name: sockscope takes --proxy-auth USER:PASS (or --proxy-auth-file, SOCKSCOPE_PROXY_AUTH)"),
        (["-vT", "keyword", "127.0.0.1", "80"], 64,
         "sockscope: -T: nc's TOS and TLS keywords are not supported; TLS options are --tls-… (see TLS in the man page)"),
        (["-R", "ca.pem", "127.0.0.1", "80"], 64, "sockscope: -R: nc's TLS CA file is --tls-ca FILE"),
        (["-X", "5", "127.0.0.1", "80"], 64, "sockscope: -X, --proxy-type, --proxy-auth and --proxy-dns need a proxy: -x HOST[:PORT]"),
        (["-i", "-1", "127.0.0.1", "80"], 64, "sockscope: interval invalid: -1.0"),
        (["--max-conns", "-5", "-l", "-k", "80"], 64, "sockscope: --max-conns must be at least 1"),
        ([], 64, "sockscope: missing hostname and port ('sockscope --help' lists the options, 'sockscope states' the sockets, 'sockscope lesson' the lessons)"),
        (["nosuchhost.invalid", "80"], 1,
         "sockscope: getaddrinfo for host \"nosuchhost.invalid\" port 80: Name or service not known"),
        (["-6", "-n", "127.0.0.1", "80"], 1,
         "sockscope: getaddrinfo for host \"127.0.0.1\" port 80: Address family for hostname not supported"),
        (["-4", "-n", "::1", "80"], 1,
         "sockscope: getaddrinfo for host \"::1\" port 80: Address family for hostname not supported"),
        (["-U", "/nonexistent/dir/s.sock"], 1, "sockscope: /nonexistent/dir/s.sock: No such file or directory"),
        (["--hex-dump", "/nonexistent/dir/dump", "127.0.0.1", "9"], 1, "sockscope: --hex-dump /nonexistent/dir/dump: No such file or directory"),
        // Each names the real problem (issue: "missing port number", "too many arguments: 0"…).
        (["127.0.0.1", "-1"], 64, "sockscope: port number invalid: -1"),
        (["-l", "-1"], 64, "sockscope: port number invalid: -1"),
        (["127.0.0.1", "80", "--max-con", "5"], 64, "sockscope: Unknown option '--max-con'. Did you mean '--max-conns'?"),
        (["-l", "-k", "--max-con", "5", "8080"], 64, "sockscope: Unknown option '--max-con'. Did you mean '--max-conns'?"),
        (["--hex-dumpx", "f", "127.0.0.1", "80"], 64, "sockscope: Unknown option '--hex-dumpx'. Did you mean '--hex-dump'?"),
        (["-l", "8080", "--frobnicate"], 64, "sockscope: Unknown option '--frobnicate'"),
        (["--hex-dump", "", "127.0.0.1", "80"], 64, "sockscope: --hex-dump: the file name is empty"),
        (["-U", "-l", "/nonexistent/dir/x"], 1, "sockscope: bind to /nonexistent/dir/x failed: No such file or directory"),
        (["-z", "127.0.0.1", "0-2"], 64, "sockscope: port number too small: 0"),
        (["-s", "999.1.1.1", "127.0.0.1", "80"], 1,
         "sockscope: getaddrinfo for source address \"999.1.1.1\": Name or service not known"),
        (["-q", "nan", "127.0.0.1", "80"], 64, "sockscope: -q: not a number of seconds: nan"),
        (["states", "--port", "-1"], 64, "sockscope: The value '-1' is invalid for '--port <n>'"),
        (["states", "--events", "--duration", "-1"], 64, "sockscope: --duration must be a positive number"),
        (["states", "--state", ",,,"], 64, "sockscope: --state: no state named in ',,,'"),
        (["states", "--interval", "1"], 64, "sockscope: --interval needs --events"),
        (["watch", "extra"], 64, "sockscope: Unexpected argument 'extra'"),
    ])
    func oneLineAndTheExitCode(arguments: [String], code: Int32, line: String) async throws {
        try await offPool { () throws in
            let result = try Child.run([Paths.sockscope] + arguments)
            #expect(result.code == code)
            #expect(result.child.stderrText == line + "\n")
            #expect(result.child.stdoutText.isEmpty)
        }
    }

    /// `states` into a full or closed stdout: one line and status 1, as for any failing stdout.
    @Test(arguments: [("> /dev/full", "No space left on device"), (">&-", "Bad file descriptor")])
    func statesIntoAFailingStdout(redirect: String, reason: String) async throws {
        try await offPool { () throws in
            for command in ["states", "states --events --json --duration 5"] {
                let result = try Child.run(["sh", "-c", "exec \(Paths.sockscope) \(command) \(redirect)"])
                #expect(result.code == 1, "\(command) \(redirect)")
                #expect(result.child.stderrText.hasSuffix("sockscope: write to standard output failed: \(reason)\n"),
                        "\(command) \(redirect): \(result.child.stderrText)")
            }
        }
    }

    /// `ulimit -n 5`: poll() refuses more entries than the limit, so only open descriptors are
    /// polled; the session runs.
    @Test func fiveDescriptorsAreEnough() async throws {
        try await offPool { () throws in
            let (nc, port) = try ncListener(["-N"], stdin: .null)
            let us = try Child(["sh", "-c", "ulimit -n 5 && exec \(Paths.sockscope) -N 127.0.0.1 \(port)"])
            us.write("through five descriptors\n")
            us.closeStdin()
            #expect(try us.waitForExit() == 0)
            #expect(us.stderrText.isEmpty)
            #expect(try nc.waitForExit() == 0)
            #expect(nc.stdoutText == "through five descriptors\n")
        }
    }

    @Test func connectionRefused() async throws {
        try await offPool { () throws in
            let (listener, port) = try sockscopeListener([], stdin: .null)
            listener.signal(SIGTERM)
            _ = try listener.waitForExit()
            let result = try Child.run([Paths.sockscope, "127.0.0.1", String(port)])
            #expect(result.code == 1)
            #expect(result.child.stderrText == "sockscope: connect to 127.0.0.1 port \(port) (tcp) failed: Connection refused\n")
        }
    }

    @Test func addressInUse() async throws {
        try await offPool { () throws in
            let (holder, port) = try sockscopeListener([], stdin: .null)
            let result = try Child.run([Paths.sockscope, "-l", "127.0.0.1", String(port)])
            #expect(result.code == 1)
            #expect(result.child.stderrText == "sockscope: bind to 127.0.0.1 port \(port) failed: Address already in use\n")
            holder.signal(SIGTERM)
        }
    }

    /// Ports below 1024 need privilege: run as nobody (CI runs as root).
    @Test(.enabled(if: getuid() == 0 && Paths.which("setpriv"), "skipped: needs root and setpriv"))
    func permissionDenied() async throws {
        try await offPool { () throws in
            let result = try Child.run(Paths.asNobody + [Paths.sockscopeForAnyone, "-l", "127.0.0.1", "1"])
            #expect(result.code == 1)
            #expect(result.child.stderrText == "sockscope: bind to 127.0.0.1 port 1 failed: Permission denied\n")
        }
    }

    /// A reader that leaves before anything is written to it is no failure: sockscope never
    /// wrote, so it ends as the session does (StdoutTests has the failing cases).
    @Test func readerThatLeavesUnwrittenToIsNotAFailure() async throws {
        try await offPool { () throws in
            let (nc, port) = try ncListener(["-N"], stdin: .null)
            let pipeline = try Child(["bash", "-c",
                "\(Paths.sockscope) 127.0.0.1 \(port) < /dev/null | true; echo \"status=${PIPESTATUS[0]}\" >&2"])
            // nc -N sends nothing and closes; sockscope sees EOF and ends with the session.
            #expect(try pipeline.waitForExit() == 0)
            #expect(pipeline.stderrText == "status=0\n")
            _ = nc
        }
    }
}
