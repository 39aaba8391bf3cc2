import Glibc
import Testing
import TestSupport

/// Starts the sockscope binary under test.
func sockscope(_ arguments: [String], stdin: Child.Input = .pipe, stdout: Child.Output = .pipe,
               environment: [String: String] = [:]) throws -> Child {
    try Child([Paths.sockscope] + arguments, stdin: stdin, stdout: stdout, environment: environment)
}

/// A listening sockscope on 127.0.0.1 port 0 and the port it reported.
func sockscopeListener(_ extra: [String] = [], host: String = "127.0.0.1", stdin: Child.Input = .pipe,
                       stdout: Child.Output = .pipe) throws -> (Child, UInt16) {
    let child = try sockscope(["-l", "-v", "-n"] + extra + [host, "0"], stdin: stdin, stdout: stdout)
    return (child, try child.waitForPort())
}

/// OpenBSD nc listening on port 0 with its readiness line.
func ncListener(_ extra: [String] = [], host: String = "127.0.0.1", stdin: Child.Input = .pipe,
                stdout: Child.Output = .pipe) throws -> (Child, UInt16) {
    let child = try Child(["nc", "-l", "-v", "-n"] + extra + [host, "0"], stdin: stdin, stdout: stdout)
    return (child, try child.waitForPort())
}

/// A python3 peer running `code`; it prints `Listening on HOST PORT` when ready.
func pythonPeer(_ code: String, arguments: [String] = []) throws -> (Child, UInt16) {
    let child = try Child(["python3", "-u", "-c", code] + arguments, stdin: .null)
    return (child, try child.waitForPort())
}

/// socat's readiness line is `… listening on AF=2 127.0.0.1:PORT`.
/// `within` runs it elsewhere (a namespace's `exec`).
func socatListener(_ address: String, _ other: String = "-", options: [String] = [], stdin: Child.Input = .pipe,
                   stdout: Child.Output = .pipe, within: ([String]) -> [String] = { $0 }) throws -> (Child, UInt16) {
    let child = try Child(within(["socat", "-d", "-d"] + options + [address, other]), stdin: stdin, stdout: stdout)
    var port: UInt16?
    try child.wait(for: "socat listening") { child in
        if let line = child.stderrText.split(separator: "\n").first(where: { $0.contains("listening on") }),
           let last = line.split(separator: ":").last, let value = UInt16(last.prefix(while: \.isNumber)) {
            port = value
        }
        return port != nil
    }
    return (child, port ?? 0)
}

/// A private directory for files and Unix sockets, removed when the test ends.
final class Scratch {
    let path = Paths.temporaryDirectory()
    deinit { Paths.removeTree(path) }
    func file(_ name: String) -> String { "\(path)/\(name)" }
}

func fileExists(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0
}

/// Both ends say a line, each hears the other's, both end their input (-N on both) and both
/// exit 0 with exactly the other's line on stdout.
func expectConversation(_ us: Child, _ peer: Child, sourceLocation: SourceLocation = #_sourceLocation) throws {
    us.write("from sockscope\n")
    peer.write("from the peer\n")
    try peer.waitForStdout(containing: "from sockscope")
    try us.waitForStdout(containing: "from the peer")
    us.closeStdin()
    peer.closeStdin()
    #expect(try us.waitForExit() == 0, sourceLocation: sourceLocation)
    #expect(try peer.waitForExit() == 0, sourceLocation: sourceLocation)
    #expect(us.stdoutText == "from the peer\n", sourceLocation: sourceLocation)
    #expect(peer.stdoutText == "from sockscope\n", sourceLocation: sourceLocation)
}

/// Two files of `size` pseudo-random bytes in `scratch`, named a and b.
func makePayloads(_ scratch: Scratch, size: Int, seeds: (UInt64, UInt64)) -> (a: [UInt8], b: [UInt8]) {
    let a = randomBytes(size, seed: seeds.0), b = randomBytes(size, seed: seeds.1)
    writeFile(scratch.file("a"), a)
    writeFile(scratch.file("b"), b)
    return (a, b)
}

/// The TCP port a peer that prints no readiness line (openssl s_server, ncat -l on port 0)
/// listens on, as `ss` shows it for the peer's pid — waited for, with a deadline.
func listeningPort(of peer: Child, timeout: Double = 10) throws -> UInt16 {
    let deadline = now() + timeout
    while now() < deadline {
        let shown = try Child.run(["ss", "-ltnpH"])
        for line in shown.child.stdoutText.split(separator: "\n") where line.contains("pid=\(peer.pid),") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count > 3, let port = fields[3].split(separator: ":").last.flatMap({ UInt16($0) }) { return port }
        }
        if peer.hasExited { break }
        usleep(20_000)
    }
    throw Child.Failure(description: "no listening port for pid \(peer.pid): \(peer.stderrText.prefix(500))")
}
