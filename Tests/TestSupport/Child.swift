import CLinux
import Glibc

/// A child process with piped stdio, for end-to-end tests. Every wait has a deadline; output is
/// collected from both pipes as it comes, so a chatty child never blocks on a full pipe.
public final class Child: @unchecked Sendable {
    public enum Input: Sendable { case pipe, null, file(String) }
    public enum Output: Sendable {
        case pipe, file(String), append(String)
        /// A pipe the test holds open and never reads: the child's writes back up (`pipeFull`).
        case stalled
    }

    public let pid: pid_t
    public private(set) var stdinFD: Int32 = -1
    private var stdoutFD: Int32 = -1
    private var stderrFD: Int32 = -1
    /// The unread end of a `.stalled` stdout.
    public private(set) var stalledFD: Int32 = -1
    public private(set) var stdout: [UInt8] = []
    public private(set) var stderr: [UInt8] = []
    private var status: Int32?

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    public init(_ arguments: [String], stdin: Input = .pipe, stdout: Output = .pipe,
                environment: [String: String] = [:]) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var close: [Int32] = []
        var pipes: [Int32] = [-1, -1]

        switch stdin {
        case .pipe:
            guard clinux_pipe(&pipes, 1 << 16) == 0 else { throw Failure(description: "pipe") }
            posix_spawn_file_actions_adddup2(&actions, pipes[0], 0)
            close.append(pipes[0])
            stdinFD = pipes[1]
        case .null:
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        case .file(let path):
            posix_spawn_file_actions_addopen(&actions, 0, path, O_RDONLY, 0)
        }
        switch stdout {
        case .pipe:
            guard clinux_pipe(&pipes, 1 << 16) == 0 else { throw Failure(description: "pipe") }
            posix_spawn_file_actions_adddup2(&actions, pipes[1], 1)
            close.append(pipes[1])
            stdoutFD = pipes[0]
        case .file(let path):
            posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        case .stalled:
            guard clinux_pipe(&pipes, 1 << 16) == 0 else { throw Failure(description: "pipe") }
            posix_spawn_file_actions_adddup2(&actions, pipes[1], 1)
            close.append(pipes[1])
            stalledFD = pipes[0]
        case .append(let path):
            // `>> path`: every write lands at the end (O_APPEND), whatever else writes there.
            posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        }
        guard clinux_pipe(&pipes, 1 << 16) == 0 else { throw Failure(description: "pipe") }
        posix_spawn_file_actions_adddup2(&actions, pipes[1], 2)
        close.append(pipes[1])
        stderrFD = pipes[0]
        // Nothing else reaches the child: tests run side by side in this process, and a socket
        // of another test's (made without close-on-exec) kept open in a child would hold back
        // its FIN or RST.
        _ = clinux_spawn_close_from(&actions, 3)

        var env = ["PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"]
        for (key, value) in environment { env[key] = value }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        // The test runner's threads may block or ignore signals; a child must start with the
        // defaults, or SIGTERM would not end it and SIGPIPE would not stop a writer.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        _ = clinux_spawn_default_signals(&attributes)
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
        close.forEach { Glibc.close($0) }
        guard result == 0 else {
            [stdinFD, stdoutFD, stderrFD, stalledFD].filter { $0 >= 0 }.forEach { Glibc.close($0) }
            throw Failure(description: "cannot start \(arguments[0]): \(String(cString: strerror(result)))")
        }
        self.pid = pid
        for fd in [stdoutFD, stderrFD] where fd >= 0 { _ = fcntl(fd, F_SETFL, O_NONBLOCK) }
    }

    deinit {
        if status == nil {
            kill(pid, SIGKILL)
            var raw: Int32 = 0
            waitpid(pid, &raw, 0)
        }
        [stdinFD, stdoutFD, stderrFD, stalledFD].filter { $0 >= 0 }.forEach { close($0) }
    }

    /// Whether a `.stalled` stdout pipe is full: the child cannot write another byte to it.
    public var stdoutPipeFull: Bool { stalledFD >= 0 && pipeIsFull(stalledFD) }

    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }

    public func write(_ text: String) { write(Array(text.utf8)) }

    public func write(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(stdinFD, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }

    public func closeStdin() {
        if stdinFD >= 0 { close(stdinFD) }
        stdinFD = -1
    }

    public func signal(_ number: Int32) { kill(pid, number) }

    /// Collects output until `done` holds or the deadline passes (then throws, with the output).
    public func wait(for what: String, timeout: Double = 10, _ done: (Child) -> Bool) throws {
        let deadline = now() + timeout
        while !done(self) {
            let left = deadline - now()
            if left <= 0 {
                throw Failure(description: "timed out waiting for \(what); stdout: \(stdoutText.prefix(500)) stderr: \(stderrText.prefix(1000))")
            }
            pump(timeout: min(left, 0.05))
            if status == nil { reap(blocking: false) }
        }
    }

    /// Waits for a line on stderr containing `text`; returns that line.
    @discardableResult
    public func waitForStderrLine(containing text: String, timeout: Double = 10) throws -> String {
        var found: String?
        try wait(for: "stderr line containing \"\(text)\"", timeout: timeout) { child in
            found = child.stderrText.split(separator: "\n").first(where: { $0.contains(text) }).map(String.init)
            return found != nil
        }
        return found ?? ""
    }

    /// The port from nc's readiness line `Listening on HOST PORT` / `Bound on HOST PORT`.
    public func waitForPort(timeout: Double = 10) throws -> UInt16 {
        var port: UInt16?
        try wait(for: "a readiness line with a port", timeout: timeout) { child in
            for line in child.stderrText.split(separator: "\n")
            where line.hasPrefix("Listening on ") || line.hasPrefix("Bound on ") {
                if let last = line.split(separator: " ").last, let value = UInt16(last) { port = value }
            }
            return port != nil
        }
        return port ?? 0
    }

    public func waitForStdout(count: Int, timeout: Double = 10) throws {
        try wait(for: "\(count) bytes on stdout", timeout: timeout) { $0.stdout.count >= count }
    }

    public func waitForStdout(containing text: String, timeout: Double = 10) throws {
        try wait(for: "stdout containing \"\(text)\"", timeout: timeout) { $0.stdoutText.contains(text) }
    }

    /// Waits for exit and returns the exit code, or 128 + the signal that killed it.
    @discardableResult
    public func waitForExit(timeout: Double = 10) throws -> Int32 {
        try wait(for: "exit", timeout: timeout) { $0.status != nil }
        pump(timeout: 0)
        return status ?? -1
    }

    public var hasExited: Bool {
        if status == nil { reap(blocking: false) }
        return status != nil
    }

    private func reap(blocking: Bool) {
        var raw: Int32 = 0
        guard waitpid(pid, &raw, blocking ? 0 : WNOHANG) == pid else { return }
        let signal = raw & 0x7F
        status = signal == 0 ? (raw >> 8) & 0xFF : 128 + signal
        // Drain what the child wrote before it exited.
        while pumpOnce() {}
    }

    private func pump(timeout: Double) {
        var fds = [stdoutFD, stderrFD].map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        guard poll(&fds, 2, Int32(timeout * 1000)) > 0 else { return }
        while pumpOnce() {}
    }

    /// Reads what is available now from both pipes; true when something was read.
    private func pumpOnce() -> Bool {
        var any = false
        var buffer = [UInt8](repeating: 0, count: 65536)
        for (index, fd) in [stdoutFD, stderrFD].enumerated() where fd >= 0 {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                if index == 0 { stdout += buffer[0..<n] } else { stderr += buffer[0..<n] }
                any = true
            }
        }
        return any
    }
}

public func now() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

extension Child {
    /// Waits until the child sleeps in a system call (a blocking open, write or poll): the point
    /// at which a signal must still end it. Reads /proc/PID/stat and /proc/PID/syscall.
    public func waitUntilAsleep(timeout: Double = 10) throws {
        let pid = self.pid
        try wait(for: "the process to sleep in a system call", timeout: timeout) { _ in
            let stat = String(decoding: readFile("/proc/\(pid)/stat"), as: UTF8.self)
            guard let close = stat.lastIndex(of: ")") else { return false }
            let state = stat[stat.index(after: close)...].split(separator: " ").first
            let syscall = String(decoding: readFile("/proc/\(pid)/syscall"), as: UTF8.self)
            return state == "S" && Int(syscall.split(separator: " ").first ?? "") != nil
        }
    }
}

/// Whether the pipe or FIFO read through `fd` is full, so that its writer waits: once the writer
/// has filled all but its last 64 KiB (partly filled pages make "full" fall short of the size),
/// the test tops it up through a write end of its own until even one byte is refused.
public func pipeIsFull(_ fd: Int32) -> Bool {
    var queued: Int32 = 0
    guard ioctl(fd, UInt(FIONREAD), &queued) == 0, Int(queued) >= Int(clinux_pipe_size(fd)) - 65536 else { return false }
    let writer = open("/proc/self/fd/\(fd)", O_WRONLY | O_NONBLOCK | O_CLOEXEC)
    guard writer >= 0 else { return false }
    defer { close(writer) }
    var byte: UInt8 = 0
    for _ in 0..<65536 where write(writer, &byte, 1) != 1 {
        return errno == EAGAIN
    }
    return false
}

/// Counts, as output grows, the lines that contain each of some needles — looking only at the
/// lines completed since the last call, so that waiting on a long stream stays cheap.
public final class LineTally {
    let needles: [[UInt8]]
    public private(set) var counts: [Int]
    private var scanned = 0

    public init(_ needles: [String]) {
        self.needles = needles.map { Array($0.utf8) }
        counts = [Int](repeating: 0, count: needles.count)
    }

    /// Updates the counts from `output` (the whole stream so far) and returns them.
    @discardableResult
    public func update(_ output: [UInt8]) -> [Int] {
        output.withUnsafeBufferPointer { bytes in
            var start = scanned
            var index = scanned
            while index < bytes.count {
                if bytes[index] == 0x0A {
                    let line = bytes[start..<index]
                    for (n, needle) in needles.enumerated() where Self.contains(line, needle) { counts[n] += 1 }
                    start = index + 1
                }
                index += 1
            }
            scanned = start
        }
        return counts
    }

    static func contains(_ line: Slice<UnsafeBufferPointer<UInt8>>, _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, line.count >= needle.count else { return false }
        var index = line.startIndex
        while index <= line.endIndex - needle.count {
            if line[index] == first && line[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
