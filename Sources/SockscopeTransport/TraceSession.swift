import Glibc
import SockscopeCore

/// The sock/inet_sock_set_state tracepoint through tracefs, in a tracing instance of our own
/// (`InstanceOwner` names it) so that other tracing users are undisturbed. Read in binary from
/// each CPU's ring buffer (`per_cpu/cpuN/trace_pipe_raw`, decoded by `TracePage`): the kernel
/// formats no text, and a page is one read. `stop()` — called on exit and after every ending
/// signal by the modes — disables the event and removes the instance.
public final class TraceSession {
    /// One descriptor per CPU, to poll for POLLIN.
    public private(set) var descriptors: [Int32] = []
    let instance: String
    let layout: TraceLayout
    let pageSize: Int
    private let page: UnsafeMutableRawBufferPointer
    /// Overrun and dropped records counted so far, to report only what is new.
    private var lostSoFar = 0
    private var stopped = false

    /// Per-CPU buffer when not asked otherwise: 32 MiB in all, between 1 and 8 MiB per CPU — a
    /// burst of 15,000 transitions a second for several seconds fits while the reader catches up.
    static func defaultBufferKB(cpus: Int) -> Int { max(1024, min(8192, 32768 / max(cpus, 1))) }

    /// Starts tracing, mounting tracefs at `root` if it is not mounted. Throws the reason it is off.
    /// `bufferKB`: the ring buffer per CPU (tests make it small to provoke losses).
    public init(root: String = "/sys/kernel/tracing", bufferKB: Int? = nil) throws(TransportError) {
        guard geteuid() == 0 else { throw TransportError("needs root") }
        try Self.mount(root)
        Self.removeOrphans(root: root)
        instance = "\(root)/instances/\(InstanceOwner.current.name)"
        let event = "\(instance)/events/sock/inet_sock_set_state"
        layout = try Self.layout(root: root)
        if mkdir(instance, 0o700) != 0 && errno != EEXIST {
            throw TransportError("cannot create \(instance): \(String(cString: strerror(errno)))")
        }
        let cpus = Directory.names("\(instance)/per_cpu").filter { $0.hasPrefix("cpu") }
        guard !cpus.isEmpty else {
            rmdir(instance)
            throw TransportError("the tracing instance \(instance) has no per-CPU buffers")
        }
        // Timestamps on CLOCK_MONOTONIC, the clock the rest of the tool uses; a buffer sized for
        // bursts; and readers woken by any record (the default waits until half the buffer fills).
        _ = ProcFile.write("mono", to: "\(instance)/trace_clock")
        _ = ProcFile.write(String(bufferKB ?? Self.defaultBufferKB(cpus: cpus.count)), to: "\(instance)/buffer_size_kb")
        _ = ProcFile.write("0", to: "\(instance)/buffer_percent")
        let subBufferKB = ProcFile.read("\(instance)/buffer_subbuf_size_kb").flatMap { Int($0.split(whereSeparator: \.isWhitespace).first ?? "") } ?? 4
        pageSize = max(4096, subBufferKB * 1024)
        page = UnsafeMutableRawBufferPointer.allocate(byteCount: pageSize, alignment: 8)
        guard ProcFile.write("1", to: "\(event)/enable") else {
            rmdir(instance)
            page.deallocate()
            throw TransportError("the sock/inet_sock_set_state tracepoint cannot be enabled")
        }
        for cpu in cpus {
            let fd = open("\(instance)/per_cpu/\(cpu)/trace_pipe_raw", O_RDONLY | O_NONBLOCK | O_CLOEXEC)
            if fd >= 0 { descriptors.append(fd) }
        }
        guard descriptors.count == cpus.count else {
            let reason = String(cString: strerror(errno))
            stop()
            throw TransportError("cannot open trace_pipe_raw: \(reason)")
        }
        lostSoFar = lostRecords()
    }

    deinit {
        stop()
        page.deallocate()
    }

    /// Where the fields of the tracepoint's record are, from tracefs at `root` (the same for
    /// every instance, and for the eBPF program that reads the record in the kernel).
    static func layout(root: String) throws(TransportError) -> TraceLayout {
        guard let headerPage = ProcFile.read("\(root)/events/header_page") else {
            throw TransportError("cannot read \(root)/events/header_page")
        }
        guard let format = ProcFile.read("\(root)/events/sock/inet_sock_set_state/format") else {
            throw TransportError("the sock/inet_sock_set_state tracepoint is not available")
        }
        guard let layout = TraceLayout(headerPage: headerPage, eventFormat: format) else {
            throw TransportError("this kernel's sock/inet_sock_set_state record is not one sockscope can read")
        }
        return layout
    }

    /// Mounts tracefs at `root` unless it is there already.
    static func mount(_ root: String) throws(TransportError) {
        if access("\(root)/events", F_OK) != 0 && Glibc.mount("nodev", root, "tracefs", 0, nil) != 0 {
            let reason = String(cString: strerror(errno))
            // Another sockscope may have mounted it at the same moment.
            guard access("\(root)/events", F_OK) == 0 else {
                throw TransportError("tracefs is not mounted at \(root) and mounting it failed: \(reason)")
            }
        }
    }

    /// Disables the event and removes the instance (its buffers must be closed first).
    public func stop() {
        guard !stopped else { return }
        stopped = true
        descriptors.forEach { close($0) }
        descriptors = []
        _ = ProcFile.write("0", to: "\(instance)/events/sock/inet_sock_set_state/enable")
        rmdir(instance)
    }

    /// The events recorded since the last call, oldest first, and how many the kernel lost
    /// meanwhile because the reader fell behind (its ring buffer overran). At most `pages` pages
    /// per CPU (about 50 records each): one busy CPU cannot keep the loop from its other duties.
    public func read(pages: Int = 256) -> (events: [TraceEvent], lost: Int) {
        var events: [TraceEvent] = []
        var missed = false
        var cpusWithEvents = 0
        for (cpu, fd) in descriptors.enumerated() {
            let before = events.count
            for _ in 0..<max(1, pages) {
                let n = Glibc.read(fd, page.baseAddress, pageSize)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                let summary = TracePage.decode(UnsafeRawBufferPointer(rebasing: page[0..<n]), layout: layout, cpu: cpu,
                                               into: &events)
                missed = missed || summary.missedBefore
            }
            if events.count > before { cpusWithEvents += 1 }
        }
        // Each CPU's records are in time order; records of several CPUs interleave.
        if cpusWithEvents > 1 { events.sort { $0.time < $1.time } }
        var lost = 0
        if missed {
            let total = lostRecords()
            lost = max(0, total - lostSoFar)
            lostSoFar = total
        }
        return (events, lost)
    }

    /// The records still in the ring buffers, all CPUs (`entries` in per_cpu/cpuN/stats): what
    /// a reader that stops now would leave unread.
    public func unread() -> Int { statistic("entries:") }

    /// The instance's lost records, all CPUs: `overrun` (overwritten before they were read) and
    /// `dropped events`, from per_cpu/cpuN/stats.
    func lostRecords() -> Int { statistic("overrun:", "dropped events:") }

    /// The sum over the CPUs of the stats lines with these names.
    func statistic(_ names: String...) -> Int {
        guard !stopped else { return 0 }
        var total = 0
        for cpu in Directory.names("\(instance)/per_cpu") where cpu.hasPrefix("cpu") {
            guard let stats = ProcFile.read("\(instance)/per_cpu/\(cpu)/stats") else { continue }
            for line in stats.split(separator: "\n") where names.contains(where: { line.hasPrefix($0) }) {
                total += Int(line.split(separator: ":").last?.split(separator: " ").first ?? "") ?? 0
            }
        }
        return total
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
            _ = ProcFile.write("0", to: "\(root)/instances/\(name)/events/sock/inet_sock_set_state/enable")
            rmdir("\(root)/instances/\(name)")
        }
    }
}
