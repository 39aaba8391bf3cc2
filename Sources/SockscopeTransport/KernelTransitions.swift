import CLinux
import Glibc
import SockscopeCore

/// This network namespace's TCP transitions from the kernel itself: `TransitionProgram` on the
/// `sock/inet_sock_set_state` tracepoint keeps only the namespace's sockets and writes them to a
/// BPF ring buffer mapped here (DESIGN.md source 3). Loaded with the bpf() syscall by this code,
/// with the offsets it needs read from the kernel's BTF: nothing is compiled or linked at build
/// time (no clang, no libbpf-dev), so the README's build works on a machine without them.
final class KernelTransitions {
    let program: TransitionProgram
    let ring: Int32
    let counters: Int32
    let attachment: Int32
    /// Kept open to ask the kernel how often it skipped the program (`lostCount`).
    let loadedProgram: Int32
    /// The counters map, mapped: read without a system call.
    let counterValues: UnsafeMutableRawPointer
    /// The reset and retransmission tracepoints, and the programs attached to them (those
    /// the kernel has and accepted).
    let resets: ResetTracepoints
    let retransmits: RetransmitTracepoint?
    let tcpPrograms: [Attached]
    /// The tracepoints a program of ours is attached to, by event id.
    var attachedEvents: Set<UInt16> { Set(tcpPrograms.map(\.event)) }

    /// A program on one of the tcp tracepoints and the perf event that attaches it.
    struct Attached {
        var event: UInt16
        var program: Int32
        var attachment: Int32
    }
    let ringBytes: Int
    let pageBytes: Int
    /// The consumer position (ours to write) and the producer's page followed by the data, mapped
    /// twice in a row by the kernel so that a record that wraps reads as one piece.
    let consumer: UnsafeMutableRawPointer
    let producer: UnsafeMutableRawPointer
    private var countedSoFar = 0
    private var stopped = false

    static let busyBit: UInt32 = 1 << 31, discardBit: UInt32 = 1 << 30

    /// Loads and attaches the program for the namespace of the calling thread. Throws why it
    /// cannot (no CAP_BPF, no BTF, a verifier that refuses, no tracefs for the tracepoint's id).
    init(root: String = "/sys/kernel/tracing", btf: String = "/sys/kernel/btf/vmlinux", bufferKB: Int) throws(TransportError) {
        try TraceSession.mount(root)
        let layout = try TraceSession.layout(root: root)
        // vmlinux BTF is a few MiB; a file far larger is not one this reader should trust.
        guard let blob = ProcFile.bytes(btf, limit: 64 << 20), let types = BTFTypes(blob) else {
            throw TransportError("the kernel's BTF (\(btf)) cannot be read")
        }
        var status = stat()
        guard stat("/proc/thread-self/ns/net", &status) == 0, let namespace = UInt32(exactly: status.st_ino) else {
            throw TransportError("this network namespace's inode number cannot be read")
        }
        let offsets: TransitionProgram.Offsets
        do {
            program = try TransitionProgram(layout: layout)
            offsets = try TransitionProgram.Offsets(types)
        } catch {
            throw TransportError(error.description)
        }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        pageBytes = page
        // The ring: a power of two, whole pages, at least 64 KiB.
        var size = 64 << 10
        while size < min(bufferKB, 1 << 20) * 1024 { size <<= 1 }
        ringBytes = size
        // What is made on the way is undone by one path when a later step fails.
        var made = Made()
        defer { made.undo(pageBytes: page) }
        func failure(_ what: String) -> TransportError { TransportError("\(what): \(String(cString: strerror(errno)))") }
        made.ring = clinux_bpf_map_create(1, 0, UInt32(size), "sockscope_ring")
        guard made.ring >= 0 else { throw failure("cannot make a BPF ring buffer") }
        made.counters = clinux_bpf_map_create(0, 8, UInt32(TransitionProgram.Counter.allCases.count), "sockscope_lost")
        guard made.counters >= 0 else { throw failure("cannot make a BPF map") }
        guard let values = mmap(nil, page, PROT_READ, MAP_SHARED, made.counters, 0), values != MAP_FAILED else {
            throw failure("cannot map the BPF counters")
        }
        made.counterValues = values
        let code: [UInt8]
        do {
            code = try program.instructions(offsets: offsets, namespace: namespace, ring: made.ring, counters: made.counters)
        } catch {
            throw TransportError(error.description)
        }
        var log = [CChar](repeating: 0, count: 65536)
        made.program = code.withUnsafeBytes { instructions in
            clinux_bpf_tracepoint_program(instructions.baseAddress, UInt32(code.count / 8), "GPL", &log, UInt32(log.count),
                                          "sockscope_tcp")
        }
        guard made.program >= 0 else {
            let verifier = String(decoding: log.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                .split(separator: "\n").last.map { " (the verifier: \($0))" } ?? ""
            throw TransportError(failure("the kernel refused the transition program").description + verifier)
        }
        guard let id = ProcFile.read("\(root)/events/sock/inet_sock_set_state/id")
            .flatMap({ UInt64($0.split(whereSeparator: \.isWhitespace).first ?? "") }) else {
            throw TransportError("cannot attach the transition program: no tracepoint id")
        }
        made.attachment = clinux_perf_tracepoint_attach(id, made.program)
        guard made.attachment >= 0 else { throw failure("cannot attach the transition program") }
        // The resets and retransmissions: the same program's shape on tcp_receive_reset,
        // tcp_send_reset and tcp_retransmit_skb. One that cannot load or attach leaves the
        // endings without the kernel's word on their RST (the capture still gives it), or the
        // stream without retransmissions, never the transitions off.
        func format(_ event: String) -> String? { ProcFile.read("\(root)/events/tcp/\(event)/format") }
        let resets = ResetTracepoints(receiveFormat: format("tcp_receive_reset"), sendFormat: format("tcp_send_reset"))
        let retransmits = format("tcp_retransmit_skb").flatMap(RetransmitTracepoint.init(format:))
        for copy in resets.copies + [retransmits?.copy].compactMap({ $0 }) {
            guard let code = try? TransitionProgram.copying(copy, offsets: offsets, namespace: namespace, ring: made.ring,
                                                            counters: made.counters) else { continue }
            let program = code.withUnsafeBytes { instructions in
                clinux_bpf_tracepoint_program(instructions.baseAddress, UInt32(code.count / 8), "GPL", nil, 0, "sockscope_rst")
            }
            guard program >= 0 else { continue }
            let attached = clinux_perf_tracepoint_attach(UInt64(copy.eventID), program)
            guard attached >= 0 else {
                close(program)
                continue
            }
            made.tcpPrograms.append(Attached(event: copy.eventID, program: program, attachment: attached))
        }
        guard let consumer = mmap(nil, page, PROT_READ | PROT_WRITE, MAP_SHARED, made.ring, 0), consumer != MAP_FAILED else {
            throw failure("cannot map the BPF ring buffer")
        }
        made.consumer = consumer
        guard let producer = mmap(nil, page + 2 * size, PROT_READ, MAP_SHARED, made.ring, off_t(page)),
              producer != MAP_FAILED else {
            throw failure("cannot map the BPF ring buffer")
        }
        ring = made.ring
        counters = made.counters
        loadedProgram = made.program
        attachment = made.attachment
        self.resets = resets
        self.retransmits = retransmits
        tcpPrograms = made.tcpPrograms
        counterValues = values
        self.consumer = consumer
        self.producer = producer
        made = Made()  // all of it is the instance's now: `stop()` undoes it
    }

    /// Descriptors and mappings made while starting, undone unless the start completes.
    private struct Made {
        var ring: Int32 = -1, counters: Int32 = -1, program: Int32 = -1, attachment: Int32 = -1
        var tcpPrograms: [Attached] = []
        var consumer: UnsafeMutableRawPointer?, counterValues: UnsafeMutableRawPointer?

        func undo(pageBytes: Int) {
            for fd in tcpPrograms.flatMap({ [$0.attachment, $0.program] }) + [attachment, program, counters, ring] where fd >= 0 {
                close(fd)
            }
            for mapped in [consumer, counterValues] { if let mapped { munmap(mapped, pageBytes) } }
        }
    }

    deinit { stop() }

    /// Detaches the program and unmaps the ring (closing the perf event is what detaches it).
    func stop() {
        guard !stopped else { return }
        stopped = true
        close(attachment)
        close(loadedProgram)
        for attached in tcpPrograms {
            close(attached.attachment)
            close(attached.program)
        }
        munmap(consumer, pageBytes)
        munmap(counterValues, pageBytes)
        munmap(producer, pageBytes + 2 * ringBytes)
        close(ring)
        close(counters)
    }

    /// Poll this for POLLIN: the kernel wakes it when records arrive.
    var descriptor: Int32 { stopped ? -1 : ring }

    /// At most `limit` records, oldest first — transitions and the RSTs the kernel sent or
    /// received — and how many of ours the kernel counted lost (the ring was full, or a
    /// namespace could not be read) since the last call.
    func read(limit: Int) -> (events: [TraceEvent], resets: [ResetTracepoints.Reset], retransmits: [RetransmitTracepoint.Retransmit],
                              lost: Int) {
        guard !stopped else { return ([], [], [], 0) }
        var events: [TraceEvent] = []
        var resetsRead: [ResetTracepoints.Reset] = []
        var retransmitsRead: [RetransmitTracepoint.Retransmit] = []
        let positions = consumer.assumingMemoryBound(to: UInt64.self)
        let data = UnsafeRawPointer(producer + pageBytes)
        var position = clinux_load_acquire(positions)
        let end = clinux_load_acquire(UnsafePointer(producer.assumingMemoryBound(to: UInt64.self)))
        let mask = UInt64(ringBytes - 1)
        var taken = 0
        while position < end && taken < limit {
            let header = data + Int(position & mask)
            let word = clinux_load_acquire32(header.assumingMemoryBound(to: UInt32.self))
            if word & Self.busyBit != 0 { break }  // still being written
            let length = Int(word & ~(Self.busyBit | Self.discardBit))
            // A length the ring cannot hold is not the kernel's: stop rather than read past it.
            guard length <= ringBytes - 8 else { break }
            if word & Self.discardBit == 0 {
                let record = UnsafeRawBufferPointer(start: header + 8, count: length)
                if let event = program.event(record) {
                    events.append(event)
                } else if length > TransitionProgram.headerBytes {
                    let copied = UnsafeRawBufferPointer(rebasing: record[TransitionProgram.headerBytes...])
                    let time = record.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
                    if let reset = resets.reset(copied, time: time) {
                        resetsRead.append(reset)
                    } else if let retransmit = retransmits?.retransmit(copied, time: time) {
                        retransmitsRead.append(retransmit)
                    }
                }
            }
            position += UInt64((length + 8 + 7) & ~7)
            taken += 1
            clinux_store_release(positions, position)
        }
        let counted = lostCount()
        defer { countedSoFar = counted }
        return (events, resetsRead, retransmitsRead, max(0, counted - countedSoFar))
    }

    /// Records waiting in the ring: what a reader that stopped now would leave.
    func unread() -> Int {
        guard !stopped else { return 0 }
        let position = clinux_load_acquire(consumer.assumingMemoryBound(to: UInt64.self))
        let end = clinux_load_acquire(UnsafePointer(producer.assumingMemoryBound(to: UInt64.self)))
        return Int(end &- position) / (program.recordBytes + 8)
    }

    /// Every transition of ours the program could not deliver, since it was loaded, and every
    /// run the kernel skipped: a transition in a softirq that interrupted the program on its CPU
    /// is not traced at all (the kernel allows one BPF program at a time per CPU), and may have
    /// been ours — counted as lost, since it cannot be told apart.
    func lostCount() -> Int {
        let values = UnsafePointer(counterValues.assumingMemoryBound(to: UInt64.self))
        let delivered = TransitionProgram.Counter.allCases.reduce(0) { total, counter in
            total + Int(clamping: clinux_load_acquire(values + Int(counter.rawValue)))
        }
        // A skipped reset program lost a RST, not a transition: only the transitions' count.
        return delivered + max(0, Int(clinux_bpf_program_misses(loadedProgram)))
    }
}
