import Glibc
import Testing
import TestSupport

/// Bad input: one line on stderr beginning `sockscope: `, the documented exit code, never a trap,
/// a backtrace or a hang.
@Suite(.timeLimit(.minutes(2)))
struct BadInputTests {
    @Test(arguments: [
        (["127.0.0.1", "99999"], 64, "sockscope: port number too large: 99999"),
        (["127.0.0.1", "http-alt-nope"], 64, "sockscope: port number invalid: http-alt-nope"),
        (["-l", "-z", "80"], 64, "sockscope: cannot use -z and -l"),
        (["-U", "-4", "/tmp/x"], 64, "sockscope: cannot use -U with -4"),
        (["-k", "127.0.0.1", "80"], 64, "sockscope: must use -l with -k"),
        (["-w", "abc", "127.0.0.1", "80"], 64, "sockscope: The value 'abc' is invalid for '-w <secs>'"),
        (["-X", "127.0.0.1", "80"], 64, "sockscope: Unknown option '-X'"),
        (["-i", "-1", "127.0.0.1", "80"], 64, "sockscope: interval invalid: -1.0"),
        (["--max-conns", "-5", "-l", "-k", "80"], 64, "sockscope: --max-conns must be at least 1"),
        ([], 64, "sockscope: missing hostname and port"),
        (["nosuchhost.invalid", "80"], 1,
         "sockscope: getaddrinfo for host \"nosuchhost.invalid\" port 80: Name or service not known"),
        (["-6", "-n", "127.0.0.1", "80"], 1,
         "sockscope: getaddrinfo for host \"127.0.0.1\" port 80: Address family for hostname not supported"),
        (["-4", "-n", "::1", "80"], 1,
         "sockscope: getaddrinfo for host \"::1\" port 80: Address family for hostname not supported"),
        (["-U", "/nonexistent/dir/s.sock"], 1, "sockscope: /nonexistent/dir/s.sock: No such file or directory"),
        (["--hex-dump", "/nonexistent/dir/dump", "127.0.0.1", "9"], 1, "sockscope: /nonexistent/dir/dump: No such file or directory"),
    ])
    func oneLineAndTheExitCode(arguments: [String], code: Int32, line: String) throws {
        let result = try Child.run([Paths.sockscope] + arguments)
        #expect(result.code == code)
        #expect(result.child.stderrText == line + "\n")
        #expect(result.child.stdoutText.isEmpty)
    }

    @Test func connectionRefused() throws {
        let (listener, port) = try sockscopeListener([], stdin: .null)
        listener.signal(SIGTERM)
        _ = try listener.waitForExit()
        let result = try Child.run([Paths.sockscope, "127.0.0.1", String(port)])
        #expect(result.code == 1)
        #expect(result.child.stderrText == "sockscope: connect to 127.0.0.1 port \(port) (tcp) failed: Connection refused\n")
    }

    @Test func addressInUse() throws {
        let (holder, port) = try sockscopeListener([], stdin: .null)
        let result = try Child.run([Paths.sockscope, "-l", "127.0.0.1", String(port)])
        #expect(result.code == 1)
        #expect(result.child.stderrText == "sockscope: bind to 127.0.0.1 port \(port) failed: Address already in use\n")
        holder.signal(SIGTERM)
    }

    /// Ports below 1024 need privilege: run as nobody (CI runs as root).
    @Test(.enabled(if: getuid() == 0 && Paths.which("setpriv"), "skipped: needs root and setpriv"))
    func permissionDenied() throws {
        let result = try Child.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                                    Paths.sockscope, "-l", "127.0.0.1", "1"])
        #expect(result.code == 1)
        #expect(result.child.stderrText == "sockscope: bind to 127.0.0.1 port 1 failed: Permission denied\n")
    }

    /// A reader that leaves before anything is written to it is no failure: sockscope never
    /// wrote, so it ends as the session does (StdoutTests has the failing cases).
    @Test func readerThatLeavesUnwrittenToIsNotAFailure() throws {
        let (nc, port) = try ncListener(["-N"], stdin: .null)
        let pipeline = try Child(["bash", "-c",
            "\(Paths.sockscope) 127.0.0.1 \(port) < /dev/null | true; echo \"status=${PIPESTATUS[0]}\" >&2"])
        // nc -N sends nothing and closes; sockscope sees EOF and ends with the session.
        #expect(try pipeline.waitForExit() == 0)
        #expect(pipeline.stderrText == "status=0\n")
        _ = nc
    }
}
