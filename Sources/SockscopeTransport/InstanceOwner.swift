import Glibc

/// Who made a tracing instance, written into its name: `sockscope-PIDNS-PID-START`, the inode of
/// the PID namespace, the pid and the process's start time (clock ticks since boot, field 22 of
/// /proc/PID/stat). Instances are shared by every PID namespace; with all three, an instance is
/// provably ours (same namespace) and provably orphaned (no such pid, or a pid now used by a
/// process that started at another time). Names in any other form are never touched.
struct InstanceOwner: Equatable {
    let pidNamespace: UInt64
    let pid: Int32
    let startTime: UInt64

    static var current: InstanceOwner {
        InstanceOwner(pidNamespace: namespaceInode(), pid: getpid(), startTime: startTime(of: "self") ?? 0)
    }

    init(pidNamespace: UInt64, pid: Int32, startTime: UInt64) {
        self.pidNamespace = pidNamespace
        self.pid = pid
        self.startTime = startTime
    }

    init?(name: String) {
        let parts = name.split(separator: "-")
        guard parts.count == 4, parts[0] == "sockscope", let namespace = UInt64(parts[1]),
              let pid = Int32(parts[2]), let start = UInt64(parts[3]) else { return nil }
        self.init(pidNamespace: namespace, pid: pid, startTime: start)
    }

    var name: String { "sockscope-\(pidNamespace)-\(pid)-\(startTime)" }

    /// Whether the process that made the instance still runs (read in our PID namespace, which
    /// `removeOrphans` has checked is the owner's).
    var isAlive: Bool {
        if kill(pid, 0) != 0 && errno == ESRCH { return false }
        // The pid exists: the owner's, unless it started at another time (a reused pid).
        return Self.startTime(of: String(pid)).map { $0 == startTime } ?? true
    }

    static func namespaceInode() -> UInt64 {
        var info = stat()
        return stat("/proc/self/ns/pid", &info) == 0 ? UInt64(info.st_ino) : 0
    }

    /// Field 22 of /proc/PID/stat; the fields after the command name, which may hold spaces and
    /// parentheses, are counted from its closing parenthesis.
    static func startTime(of pid: String) -> UInt64? {
        guard let text = ProcFile.read("/proc/\(pid)/stat"), let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }
}
