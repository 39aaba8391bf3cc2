import Glibc
import SockscopeCore

/// The sock/inet_sock_set_state tracepoint through tracefs, in a tracing instance of our own
/// (instances/sockscope-PID) so that other tracing users are undisturbed. `stop()` — called on
/// exit and after SIGINT/SIGTERM/SIGHUP by the modes — disables the event and removes the instance.
public final class TraceSession {
    public let pipe: Int32
    let instance: String
    private var pending: [UInt8] = []
    private var stopped = false

    /// Starts tracing, mounting tracefs at `root` if it is not mounted. Throws the reason it is off.
    public init(root: String = "/sys/kernel/tracing") throws(TransportError) {
        guard geteuid() == 0 else { throw TransportError("needs root") }
        if access("\(root)/events", F_OK) != 0 && mount("nodev", root, "tracefs", 0, nil) != 0 {
            let reason = String(cString: strerror(errno))
            // Another sockscope may have mounted it at the same moment.
            guard access("\(root)/events", F_OK) == 0 else {
                throw TransportError("tracefs is not mounted at \(root) and mounting it failed: \(reason)")
            }
        }
        Self.removeOrphans(root: root)
        instance = "\(root)/instances/\(InstanceOwner.current.name)"
        if mkdir(instance, 0o700) != 0 && errno != EEXIST {
            throw TransportError("cannot create \(instance): \(String(cString: strerror(errno)))")
        }
        // Timestamps on CLOCK_MONOTONIC, the clock the rest of the tool uses.
        _ = Self.write("mono", to: "\(instance)/trace_clock")
        guard Self.write("1", to: "\(instance)/events/sock/inet_sock_set_state/enable") else {
            rmdir(instance)
            throw TransportError("the sock/inet_sock_set_state tracepoint is not available")
        }
        pipe = open("\(instance)/trace_pipe", O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard pipe >= 0 else {
            _ = Self.write("0", to: "\(instance)/events/sock/inet_sock_set_state/enable")
            rmdir(instance)
            throw TransportError("cannot open trace_pipe: \(String(cString: strerror(errno)))")
        }
    }

    deinit { stop() }

    /// Disables the event and removes the instance (the pipe must be closed first).
    public func stop() {
        guard !stopped else { return }
        stopped = true
        close(pipe)
        _ = Self.write("0", to: "\(instance)/events/sock/inet_sock_set_state/enable")
        rmdir(instance)
    }

    /// The events that have arrived since the last call.
    public func readEvents() -> [TraceEvent] {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(pipe, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            pending += chunk[0..<n]
        }
        guard let lastNewline = pending.lastIndex(of: 0x0A) else { return [] }
        let text = String(decoding: pending[...lastNewline], as: UTF8.self)
        pending.removeSubrange(...lastNewline)
        return text.split(separator: "\n").compactMap(TraceEvent.parse)
    }

    /// Instances left by a sockscope that could not clean up (SIGKILL, a crash) are disabled
    /// and removed — but only those provably ours and dead: tracefs instances are global, and a
    /// pid means nothing outside its PID namespace (another namespace's live sockscope can have a
    /// pid that is free here). See `InstanceOwner`.
    static func removeOrphans(root: String) {
        let current = InstanceOwner.current
        for name in Directory.names("\(root)/instances") {
            guard let owner = InstanceOwner(name: name), owner.pidNamespace == current.pidNamespace,
                  !owner.isAlive else { continue }
            _ = write("0", to: "\(root)/instances/\(name)/events/sock/inet_sock_set_state/enable")
            rmdir("\(root)/instances/\(name)")
        }
    }

    static func write(_ text: String, to path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return Descriptor.writeAll(fd, text)
    }
}
