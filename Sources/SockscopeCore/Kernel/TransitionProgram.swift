/// The eBPF program on `sock/inet_sock_set_state` (DESIGN.md source 3): for a TCP socket of the
/// network namespace we watch — read in the kernel, `sk->__sk_common.skc_net.net->ns.inum` — it
/// copies the tracepoint's record into the ring buffer behind the kernel's time and the CPU;
/// every other namespace's transition costs a few instructions and never leaves the kernel. A
/// record the ring has no room for, and one whose namespace cannot be read, is counted in the
/// counters map (`Counter`), never lost in silence.
///
/// A ring record is `[u64 CLOCK_MONOTONIC ns][u32 cpu][u32 0][the tracepoint record]`, the last
/// with its common header filled in by the program (the event's id and the pid: a tracepoint
/// program may not read the first 8 bytes), so `TracePage.event` decodes it as it decodes
/// tracefs's records.
public struct TransitionProgram: Sendable {
    /// Where the two pointers the program follows are, in this kernel (from BTF).
    public struct Offsets: Sendable, Equatable {
        /// `struct sock` → `__sk_common.skc_net.net`: the socket's `struct net *`.
        public var socketNet: Int
        /// `struct net` → `ns.inum`: the namespace's inode number (as in /proc/PID/ns/net).
        public var namespaceInode: Int

        public init(socketNet: Int, namespaceInode: Int) {
            self.socketNet = socketNet
            self.namespaceInode = namespaceInode
        }

        /// This kernel's offsets, or why they cannot be had.
        public init(_ types: BTFTypes) throws(Refusal) {
            guard let net = types.member(["__sk_common", "skc_net", "net"], in: "sock"), net.kind == .pointer else {
                throw Refusal("this kernel's BTF has no sock.__sk_common.skc_net.net pointer")
            }
            guard let inode = types.member(["ns", "inum"], in: "net"), inode.kind == .int, inode.size == 4 else {
                throw Refusal("this kernel's BTF has no 32-bit net.ns.inum")
            }
            self.init(socketNet: net.offset, namespaceInode: inode.offset)
        }
    }

    /// Why the program cannot be made for this kernel.
    public struct Refusal: Error, Equatable, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// The slots of the counters map (an array of u64).
    public enum Counter: Int32, CaseIterable, Sendable {
        /// Our transitions that found the ring full: lost, and told.
        case ringFull = 0
        /// Transitions whose namespace could not be read: unknown whether ours.
        case unreadable = 1
    }

    public static let headerBytes = 16
    static let ipProtoTCP: Int32 = 6

    public let layout: TraceLayout
    /// The tracepoint record's bytes copied (all its fields, rounded up to 8).
    public var copiedBytes: Int { (layout.recordLength + 7) / 8 * 8 }
    /// What each ring record takes, without the ring's own 8-byte header.
    public var recordBytes: Int { Self.headerBytes + copiedBytes }

    public init(layout: TraceLayout) throws(Refusal) {
        // A tracepoint program reads its context in aligned loads, after the 8-byte common header.
        let fields = [layout.socket, layout.oldState, layout.newState, layout.sourcePort, layout.destinationPort,
                      layout.family, layout.proto, layout.sourceV4, layout.destinationV4, layout.sourceV6, layout.destinationV6]
        guard layout.type.offset == 0, layout.pid.offset == 4, layout.proto.size == 2, layout.proto.offset % 2 == 0,
              layout.socket.offset % 8 == 0, layout.recordLength % 4 == 0,
              fields.allSatisfy({ $0.offset >= 8 }), layout.recordLength <= 512 else {
            throw Refusal("this kernel's sock/inet_sock_set_state record is laid out unlike any sockscope knows")
        }
        self.layout = layout
    }

    /// The program's instructions for the namespace with inode number `namespace`, writing to the
    /// ring buffer `ring` and counting in `counters` (map descriptors).
    public func instructions(offsets: Offsets, namespace: UInt32, ring: Int32, counters: Int32) throws(Refusal) -> [UInt8] {
        try Self.copying(Copy(socket: layout.socket.offset, proto: layout.proto.offset, recordLength: layout.recordLength,
                              eventID: layout.eventID),
                         offsets: offsets, namespace: namespace, ring: ring, counters: counters)
    }

    /// What a program copies from one tracepoint: where the socket pointer is (a record without
    /// one is not ours to place: skipped), the protocol field if the event has one (TCP only),
    /// how long the record is and the event's id, written into the copy's common header.
    public struct Copy: Sendable, Equatable {
        public var socket: Int
        public var proto: Int?
        public var recordLength: Int
        public var eventID: UInt16
        /// The bytes of a ring record, after the ring's own header: ours, then the record rounded to 8.
        public var recordBytes: Int { TransitionProgram.headerBytes + (recordLength + 7) / 8 * 8 }
    }

    /// A program that copies a tracepoint's record into the ring for a socket of the namespace
    /// `namespace` (DESIGN.md source 3): the one shape every tracepoint sockscope reads takes.
    public static func copying(_ copy: Copy, offsets: Offsets, namespace: UInt32, ring: Int32,
                               counters: Int32) throws(Refusal) -> [UInt8] {
        guard let socketNet = Int32(exactly: offsets.socketNet), let inode = Int32(exactly: offsets.namespaceInode),
              copy.socket >= 8, copy.socket % 8 == 0, copy.recordLength % 4 == 0, copy.recordLength <= 512,
              copy.proto.map({ $0 >= 8 && $0 % 2 == 0 }) ?? true else {
            throw Refusal("offsets out of range")
        }
        var a = BPFAssembler()
        let done = a.newLabel(), full = a.newLabel(), unreadable = a.newLabel(), count = a.newLabel()
        a.move(.r6, .r1)  // r6: the tracepoint's record
        a.call(.currentPIDAndTGID)
        a.move(.r8, .r0)  // r8: the pid in its low half
        // Other protocols (SCTP, MPTCP) are not shown: leave at once.
        if let proto = copy.proto {
            a.load(.r1, .half, from: .r6, Int16(proto))
            a.jumpIfNotEqual(.r1, Self.ipProtoTCP, to: done)
        }
        /// `bytes` of kernel memory at r3 + `offset`, onto the stack at -8 (a probe read: the
        /// kernel's pointers are not the program's to load); a failed read is `unreadable`.
        func probeRead(at offset: Int32, bytes: Int32) {
            a.add(.r3, offset)
            a.move(.r1, .frame)
            a.add(.r1, -8)
            a.move(.r2, bytes)
            a.call(.probeReadKernel)
            a.jumpIfNotEqual(.r0, 0, to: unreadable)
        }
        // r3 = sk->__sk_common.skc_net.net; a record without a socket (a reset answering a
        // segment no socket took) cannot be placed in a namespace, and explains no transition.
        a.load(.r3, .double, from: .r6, Int16(copy.socket))
        a.jumpIfEqual(.r3, 0, to: done)
        probeRead(at: socketNet, bytes: 8)
        a.load(.r3, .double, from: .frame, -8)
        a.jumpIfEqual(.r3, 0, to: unreadable)
        // The namespace's inode number, compared with ours.
        probeRead(at: inode, bytes: 4)
        a.load(.r1, .word, from: .frame, -8)
        a.jumpIfNotEqual32(.r1, namespace, to: done)
        // Ours: a record in the ring, or a count of one lost.
        a.loadMap(.r1, descriptor: ring)
        a.move(.r2, Int32(copy.recordBytes))
        a.move(.r3, 0)
        a.call(.ringBufferReserve)
        a.jumpIfEqual(.r0, 0, to: full)
        a.move(.r7, .r0)
        a.call(.kernelTime)
        a.store(.double, to: .r7, 0, .r0)
        a.call(.processorID)
        a.store(.word, to: .r7, 8, .r0)
        a.store(.word, to: .r7, 12, value: 0)
        let base = Int16(Self.headerBytes)
        a.store(.half, to: .r7, base, value: Int32(copy.eventID))
        a.store(.half, to: .r7, base + 2, value: 0)
        a.store(.word, to: .r7, base + 4, .r8)
        for offset in stride(from: 8, to: copy.recordLength, by: 4) {
            a.load(.r1, .word, from: .r6, Int16(offset))
            a.store(.word, to: .r7, base + Int16(offset), .r1)
        }
        if copy.recordBytes - Self.headerBytes > copy.recordLength {
            a.store(.word, to: .r7, base + Int16(copy.recordLength), value: 0)
        }
        a.move(.r1, .r7)
        a.move(.r2, 0)
        a.call(.ringBufferSubmit)
        a.jump(to: done)
        a.place(full)
        a.move(.r1, Counter.ringFull.rawValue)
        a.jump(to: count)
        a.place(unreadable)
        a.move(.r1, Counter.unreadable.rawValue)
        a.place(count)
        a.store(.word, to: .frame, -4, .r1)
        a.loadMap(.r1, descriptor: counters)
        a.move(.r2, .frame)
        a.add(.r2, -4)
        a.call(.mapLookupElement)
        a.jumpIfEqual(.r0, 0, to: done)
        a.move(.r1, 1)
        a.atomicAdd(to: .r0, 0, .r1)
        a.place(done)
        a.move(.r0, 0)
        a.exit()
        do {
            return try a.assemble()
        } catch {
            throw Refusal("the transition program does not assemble: \(error)")
        }
    }

    /// A ring record's transition; nil for a record too short or not one the program wrote.
    public func event(_ record: UnsafeRawBufferPointer) -> TraceEvent? {
        guard record.count >= recordBytes else { return nil }
        let time = record.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        let cpu = Int(record.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        var event = TracePage.event(UnsafeRawBufferPointer(rebasing: record[Self.headerBytes..<recordBytes]), layout: layout,
                                    time: time, cpu: cpu)
        event?.source = .ebpf
        return event
    }
}
