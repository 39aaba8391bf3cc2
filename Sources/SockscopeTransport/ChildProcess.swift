import CLinux
import Glibc

/// A program behind a connection (`--exec`, `--sh-exec`): started with pipes for its standard
/// input and output, which sockscope reads and writes in its own loop (non-blocking), its
/// standard error ours (or its output's pipe). Nothing else of ours reaches it: every other descriptor is closed in
/// the child, and it starts with the default signal mask and dispositions (sockscope blocks
/// signals for its signalfd and ignores SIGPIPE; a child must not inherit either).
public final class ChildProcess {
    public let pid: pid_t
    /// Our ends: we write its input, read its output (-1 once closed).
    public private(set) var input: Int32
    public private(set) var output: Int32
    public private(set) var status: Status?

    public enum Status: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)

        /// `exit 0`, `killed by signal 9 (Killed)`.
        public var words: String {
            switch self {
            case .exited(let code): "exit \(code)"
            case .signaled(let signal): "killed by signal \(signal) (\(String(cString: strsignal(signal))))"
            }
        }

        /// What sockscope exits with when this child's status is the session's (-l alone).
        public var exitCode: Int32 {
            switch self {
            case .exited(let code): code
            case .signaled(let signal): 128 + signal
            }
        }
    }

    /// `stderrToOutput`: its standard error is the same pipe as its output (--exec-stderr).
    public init(_ arguments: [String], stderrToOutput: Bool = false) throws(TransportError) {
        guard let program = arguments.first, !program.isEmpty else { throw TransportError("--exec: no program") }
        var toChild: [Int32] = [-1, -1], fromChild: [Int32] = [-1, -1]
        guard clinux_pipe(&toChild, 1 << 20) == 0 else { throw TransportError("--exec: pipe: \(String(cString: strerror(errno)))") }
        guard clinux_pipe(&fromChild, 1 << 20) == 0 else {
            close(toChild[0]); close(toChild[1])
            throw TransportError("--exec: pipe: \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        if stderrToOutput { posix_spawn_file_actions_adddup2(&actions, fromChild[1], 2) }
        _ = clinux_spawn_close_from(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        _ = clinux_spawn_default_signals(&attributes)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, program, &actions, &attributes, argv, environ)
        close(toChild[0])
        close(fromChild[1])
        guard result == 0 else {
            close(toChild[1]); close(fromChild[0])
            throw TransportError("--exec \(program): \(String(cString: strerror(result)))")
        }
        self.pid = pid
        input = toChild[1]
        output = fromChild[0]
        _ = fcntl(input, F_SETFL, O_NONBLOCK)
        _ = fcntl(output, F_SETFL, O_NONBLOCK)
    }

    deinit {
        closeInput()
        closeOutput()
    }

    /// Its standard input ends (the peer's FIN, passed on).
    public func closeInput() {
        if input >= 0 { close(input) }
        input = -1
    }

    public func closeOutput() {
        if output >= 0 { close(output) }
        output = -1
    }

    /// Its status if it has ended (never waits).
    @discardableResult
    public func reap() -> Status? {
        guard status == nil else { return status }
        var raw: Int32 = 0
        guard waitpid(pid, &raw, WNOHANG) == pid else { return nil }
        let signal = raw & 0x7F
        status = signal == 0 ? .exited((raw >> 8) & 0xFF) : .signaled(signal)
        return status
    }

    /// Ends it (SIGTERM) if it is still running: its connection is gone.
    public func stop() {
        if reap() == nil { kill(pid, SIGTERM) }
    }
}
