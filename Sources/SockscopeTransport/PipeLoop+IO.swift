import Glibc
import SockscopeCore

extension PipeLoop {
    /// The largest datagram that can be sent (UDP over IPv4: 65,535 − 8 − 20).
    static let maxDatagram = 65507

    /// Standard input is read only when its bytes have somewhere to go; datagrams are read one at
    /// a time, since each read becomes one datagram.
    var wantsStdin: Bool {
        let hasRoom = settings.datagram ? input.isEmpty : input.room >= min(65536, input.capacity / 2)
        return settings.rules.wantsInput(local, anyPeerWritable: peers.contains(where: { $0.flow.writeOpen }),
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

    /// Sends released input to every peer that can take it, without blocking.
    func sendToPeers() {
        for index in peers.indices { send(to: index) }
    }

    func send(to index: Int) {
        while peers[index].flow.writeOpen && peers[index].sentUpTo < released {
            let offset = peers[index].sentUpTo
            let count = released - offset
            let n = Socket.send(peers[index].fd, inputPointer(at: offset), count: count, to: peers[index].replyTo)
            if n > 0 {
                recorder?.record(UnsafeRawBufferPointer(start: inputPointer(at: offset), count: n),
                                 sent: true, peer: peers[index].address)
                // A datagram leaves whole or not at all.
                peers[index].sentUpTo = settings.datagram ? released : offset + n
                markActivity()
                continue
            }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            if n < 0 && errno == EINTR { continue }
            if settings.datagram && n < 0 && (errno == ECONNREFUSED || errno == EMSGSIZE || errno == ENOBUFS) {
                // UDP: nobody listening yet (ICMP), or too large. The datagram is lost, as
                // datagrams are; the session goes on, as nc's does.
                peers[index].sentUpTo = released
                continue
            }
            // The peer reset or closed: nothing more can be sent to it.
            peers[index].flow.writeOpen = false
            peers[index].sentUpTo = inputEndOffset
        }
    }

    func receive(from index: Int) {
        // A datagram needs room for the largest one, or recv() would cut it short; a stream
        // needs one byte — and with none, recv() would return 0, which means end of stream.
        let needed = settings.datagram ? 65536 : 1
        if output.room < needed { flushOutput() }
        if output.room < needed { output.compact() }
        guard output.room >= needed else { return }  // the bytes wait in the socket: backpressure
        let n = recv(peers[index].fd, output.writable, output.room, 0)
        if n > 0 {
            recorder?.record(UnsafeRawBufferPointer(start: output.writable, count: n),
                             sent: false, peer: peers[index].address)
            output.didFill(n)
            markReceived()
            return
        }
        if n == 0 {
            // End of stream; for datagrams an empty datagram, which carries nothing.
            if !settings.datagram { peers[index].flow.readOpen = false }
            return
        }
        switch errno {
        case EAGAIN, EWOULDBLOCK, EINTR:
            return
        case ECONNREFUSED where settings.datagram:
            return  // ICMP port unreachable for an earlier datagram: the peer is not up yet
        default:
            // Reset or another hard error: neither direction can be used any more.
            peers[index].flow.readOpen = false
            peers[index].flow.writeOpen = false
            peers[index].sentUpTo = inputEndOffset
        }
    }

    /// Writes what standard output takes now, without waiting.
    func flushOutput() {
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
