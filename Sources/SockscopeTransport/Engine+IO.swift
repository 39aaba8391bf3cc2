import Glibc
import SockscopeCore

extension Engine {
    /// The largest datagram that can be sent (UDP over IPv4: 65,535 − 8 − 20).
    static let maxDatagram = 65507

    /// Standard input is read only when its bytes have somewhere to go; datagrams are read one at
    /// a time, since each read becomes one datagram.
    var wantsStdin: Bool {
        guard settings.readStdin else { return false }
        let hasRoom = settings.datagram ? input.isEmpty : input.room >= min(65536, input.capacity / 2)
        return settings.rules.wantsInput(local, anyPeerWritable: connections.contains(where: { $0.flow.writeOpen }),
                                         bufferHasRoom: hasRoom)
    }

    func readInput() {
        var limit = settings.datagram ? Self.maxDatagram : input.room
        if settings.crlf { limit /= 2 }  // every byte may become two
        let n: Int
        if settings.crlf {
            let scratch = crlfScratch.base
            n = read(stdinFD, scratch, min(limit, crlfScratch.capacity))
            if n > 0 {
                let written = crlfEncoder.encode(
                    UnsafeRawBufferPointer(start: scratch, count: n),
                    into: UnsafeMutableRawBufferPointer(start: input.writable, count: 2 * n))
                input.didFill(written)
            }
        } else {
            n = read(stdinFD, input.writable, limit)
            if n > 0 { input.didFill(n) }
        }
        if n == 0 { local.stdinOpen = false }
        if n < 0 && errno != EAGAIN && errno != EINTR { local.stdinOpen = false }
        if settings.interval == nil { released = inputEndOffset }
    }

    /// -i: one line of input leaves per interval (the whole buffer when it holds no line end).
    func releaseLines(now: Double) {
        guard let interval = settings.interval else {
            released = inputEndOffset
            return
        }
        released = max(released, inputStartOffset)
        guard released < inputEndOffset, now >= nextRelease else { return }
        let bytes = UnsafeRawBufferPointer(start: inputPointer(at: inputStartOffset), count: input.count)
        let from = released - inputStartOffset
        let atEnd = !local.stdinOpen || input.room == 0
        guard let end = LineBoundary.next(in: bytes, from: from, to: input.count, atEnd: atEnd) else { return }
        released = inputStartOffset + end
        nextRelease = now + interval
    }

    /// Sends what every connection can take now, without blocking: its own queue first (typed
    /// lines), then released standard input.
    func sendToConnections() {
        for index in connections.indices {
            // A stage's own work first (a handshake, records owed): a stage that failed ends
            // its connection both ways.
            if !connections[index].stream.advance() && connections[index].failure == nil { breakConnection(index, code: EPROTO) }
            emitNotes(index)
            sendQueued(index)
            if connections[index].queued.isEmpty { send(to: index) }
        }
    }

    func send(to index: Int) {
        while connections[index].flow.writeOpen && connections[index].sentUpTo < released {
            let offset = connections[index].sentUpTo
            let count = released - offset
            let n = connections[index].stream.send(inputPointer(at: offset), count: count)
            if n > 0 {
                bytesSent += n
                recorder?.record(UnsafeRawBufferPointer(start: inputPointer(at: offset), count: n),
                                 sent: true, peer: connections[index].address)
                // A datagram leaves whole or not at all.
                connections[index].sentUpTo = settings.datagram ? released : offset + n
                markActivity()
                continue
            }
            guard sendFailed(index, n) else { return }
            // A datagram that cannot go is lost, as datagrams are; the stream is over.
            connections[index].sentUpTo = settings.datagram ? released : inputEndOffset
        }
    }

    func sendQueued(_ index: Int) {
        while connections[index].flow.writeOpen, let first = connections[index].queued.first {
            let offset = connections[index].queuedOffset
            let n = first.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return connections[index].stream.send(base + offset, count: raw.count - offset)
            }
            if n > 0 || (n == 0 && first.isEmpty) {
                bytesSent += n
                first.withUnsafeBytes { raw in
                    recorder?.record(UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + n)]), sent: true,
                                     peer: connections[index].address)
                }
                let done = settings.datagram || offset + n == first.count
                connections[index].queuedBytes -= done ? first.count - offset : n
                if done {
                    connections[index].queued.removeFirst()
                    connections[index].queuedOffset = 0
                } else {
                    connections[index].queuedOffset += n
                }
                markActivity()
                continue
            }
            guard sendFailed(index, n) else { return }
            if settings.datagram {
                connections[index].queuedBytes -= first.count
                connections[index].queued.removeFirst()
            } else {
                connections[index].queued = []
                connections[index].queuedBytes = 0
            }
            connections[index].queuedOffset = 0
        }
    }

    /// After a failed send: false to wait for POLLOUT (EAGAIN), true when the bytes cannot go.
    /// UDP: nobody listening yet (ICMP), or too large — the session goes on, as nc's does; a
    /// stream that failed can send nothing more.
    func sendFailed(_ index: Int, _ n: Int) -> Bool {
        if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) { return false }
        let code = n < 0 ? errno : EIO
        if settings.datagram && (code == ECONNREFUSED || code == EMSGSIZE || code == ENOBUFS) {
            emit(.datagramRefused(id: connections[index].id, code: code))
            return true
        }
        connections[index].flow.writeOpen = false
        connections[index].failure = connections[index].failure ?? code
        return true
    }

    func receive(from index: Int) {
        // A datagram needs room for the largest one, or recv() would cut it short; a stream
        // needs one byte — and with none, recv() would return 0, which means end of stream.
        let needed = settings.datagram ? 65536 : 1
        if output.room < needed { flushOutput() }
        if output.room < needed { output.compact() }
        guard output.room >= needed else { return }  // the bytes wait in the socket: backpressure
        let n = connections[index].stream.receive(into: output.writable, count: output.room)
        if n > 0 {
            deliver(n, from: connections[index].id, peer: connections[index].address)
            return
        }
        if n == 0 {
            // End of stream; for datagrams an empty datagram, which carries nothing.
            if !settings.datagram { connections[index].flow.readOpen = false }
            return
        }
        switch errno {
        case EAGAIN, EWOULDBLOCK, EINTR:
            return
        case ECONNREFUSED where settings.datagram:
            // ICMP port unreachable for an earlier datagram: the peer is not up yet.
            emit(.datagramRefused(id: connections[index].id, code: ECONNREFUSED))
        default:
            breakConnection(index, code: errno)
        }
    }

    /// What the connection's stream has to tell, and the records it saw, as events.
    func emitNotes(_ index: Int) {
        for note in connections[index].stream.takeNotes() { emit(.streamNote(id: connections[index].id, note: note)) }
        let records = connections[index].stream.takeRecords()
        if !records.isEmpty { emit(.streamRecords(id: connections[index].id, records: records)) }
    }

    /// A reset or another hard error: neither direction can be used any more.
    func breakConnection(_ index: Int, code: Int32) {
        connections[index].failure = connections[index].failure ?? code
        connections[index].flow.readOpen = false
        connections[index].flow.writeOpen = false
        connections[index].sentUpTo = inputEndOffset
        connections[index].queued = []
        connections[index].queuedBytes = 0
    }

    /// `n` bytes just received at `output.writable`: recorded, then kept for standard output —
    /// or handed to the face, which takes them all; with --send-only, dropped (counted, dumped).
    func deliver(_ n: Int, from id: Int?, peer: SocketAddress?) {
        let bytes = UnsafeRawBufferPointer(start: output.writable, count: n)
        bytesReceived += n
        recorder?.record(bytes, sent: false, peer: peer)
        markReceived()
        if let face {
            face.engine(self, received: bytes, on: id ?? 0)
        } else if !settings.discardReceived {
            output.didFill(n)
        }
    }

    /// Writes what standard output takes now, without waiting.
    func flushOutput() {
        if !output.isEmpty { flushEvents?() }
        while !output.isEmpty && local.stdoutOpen {
            guard let base = output.readable.baseAddress else { return }
            let n = stdout.write(base, count: output.count)
            if n > 0 {
                output.didDrain(n)
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            failStdout(n == 0 ? EIO : errno)
        }
    }

    /// Standard output failed (EPIPE: the reader left; ENOSPC; EIO): what was received cannot be
    /// delivered, and the session ends (man page, DATA TRANSFER).
    func failStdout(_ code: Int32) {
        local.stdoutOpen = false
        stdoutFailure = stdoutFailure ?? code
        output.didDrain(output.count)
    }
}
