extension Lessons {
    /// The tutorials' "write blocks when the peer's buffer is full", with the calls' own returns:
    /// send() taking less than asked, EAGAIN, the wait while the window is zero, the window
    /// update that ends it.
    static let writes = Lesson(
        name: "writes",
        title: "Writes that do not fit: send() takes less, EAGAIN, the wait, the window update",
        summary: "send() takes less, then EAGAIN; a full send buffer",
        steps: [
            LessonStep("A connection whose server will not read yet",
                       says: "The server's socket gets a small receive buffer (SO_RCVBUF), so that its window fills quickly. The handshake completes as usual; the server's application reads nothing for now.",
                       do: patientTimers + [.receiveBuffer(listener, bytes: 4096), .listen(listener, backlog: 8), .connect(client), .accept(server)],
                       expect: [.state(client, .established), .state(server, .established)]),
            LessonStep("send() takes what fits",
                       says: "The client asks send() to write 1 MB on its non-blocking socket. send() returns as soon as the kernel has copied what its send buffer has room for: fewer bytes than asked, the count said as the call's return. Asked again at once, it returns -1 with EAGAIN: the buffer is full. The bytes are the kernel's now, not yet the peer's.",
                       do: [.send(client, bytes: 1_000_000)],
                       expect: [.shortWrite(client), .sendQueue(client, atLeast: 10_000)]),
            LessonStep("The writer waits: the peer's window is zero",
                       says: "The server reads nothing, so its receive buffer fills and its ACKs advertise a window of 0. The client's send buffer stays full: a blocking write() would still be inside the call, waiting, and a non-blocking one gets EAGAIN each time it tries. Nothing is lost: the bytes wait in the client's Send-Q.",
                       do: [],
                       expect: [.peerWindowClosed(client), .sendQueue(client, atLeast: 10_000), .receiveQueue(server, atLeast: 1000)]),
            LessonStep("The window update ends the wait",
                       says: "The server's application reads. Its kernel, with room again, sends a window update; the client's kernel sends what waited, room opens in its send buffer, and the lab's writer (as a blocking write() would) goes on until all 1 MB has been taken and read.",
                       do: [.read(server)],
                       expect: [.received(server, atLeast: 1_000_000), .segments(SegmentMatch(from: server, marker: .windowUpdate), atLeast: 1)],
                       within: 15,
                       then: "send() returns when the kernel has the bytes, not when the peer has them; how much it took says how much room there was. A write that does not fit is finished by the kernel and the reader's pace, never by the network alone."),
        ])
}
