extension Lessons {
    static let flowControl = Lesson(
        name: "flow-control",
        title: "Flow control: the sliding window closes and opens",
        summary: "a reader stops: zero window, Send-Q, window probes",
        steps: [
            LessonStep("A connection with a small receive buffer",
                       says: "The server's socket gets a small receive buffer (SO_RCVBUF), so that its window is small and fills quickly. The handshake completes as usual.",
                       do: patientTimers + [.receiveBuffer(listener, bytes: 4096), .listen(listener, backlog: 8), .connect(client), .accept(server)],
                       expect: [.state(client, .established), .state(server, .established)]),
            LessonStep("The receiver stops reading: the window closes",
                       says: "The client writes 200 KB; the server's application reads nothing. The server's buffer fills, each ACK advertises less room, and finally a window of 0: the client must stop. The bytes it could not send wait in its Send-Q.",
                       do: [.send(client, bytes: 200_000)],
                       expect: [.peerWindowClosed(client), .sendQueue(client, atLeast: 10_000), .receiveQueue(server, atLeast: 1000),
                                .segments(SegmentMatch(from: server, marker: .zeroWindow), atLeast: 1)]),
            LessonStep("Window probes",
                       says: "The client does not give up, nor send blindly: on its persist timer it sends a window probe, asking whether room has opened. The answer is still a window of 0; the timer doubles between probes.",
                       do: [],
                       expect: [.segments(SegmentMatch(from: client, marker: .windowProbe), atLeast: 2), .timer(client, .zeroWindowProbe, atLeast: 0)],
                       within: 8),
            LessonStep("Reading resumes: the window opens",
                       says: "The server's application reads. Its kernel, having room again, sends a window update, and the client sends what waited in its Send-Q until all 200 KB have arrived.",
                       do: [.read(server)],
                       expect: [.received(server, atLeast: 200_000), .segments(SegmentMatch(from: server, marker: .windowUpdate), atLeast: 1)],
                       within: 10,
                       then: "The receiver's window, not the network, set the pace: a slow reader slows the sender down, with no data lost."),
        ])
}
