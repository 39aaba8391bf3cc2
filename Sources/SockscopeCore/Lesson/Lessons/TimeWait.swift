extension Lessons {
    static let timeWait = Lesson(
        name: "time-wait",
        title: "TIME_WAIT: what it protects, and what SO_LINGER 0 and port reuse do to it",
        summary: "its 60 s, EADDRINUSE, tcp_tw_reuse, SO_LINGER 0",
        steps: [
            LessonStep("A connection", says: "The server listens, the client connects with SO_REUSEADDR set (a later step needs it on both sockets that share the port), the server accepts.",
                       do: patientTimers + [.listen(listener, backlog: 8), .reuseAddress(client), .connect(client), .accept(server)],
                       expect: [.state(client, .established), .state(server, .established)]),
            LessonStep("The active closer waits",
                       says: "The client closes first, then the server. The end that closed first is the one left in TIME_WAIT, for 2 MSL (60 s on Linux), its countdown visible in the table.",
                       do: [.close(client), .close(server)],
                       expect: [.state(client, .timeWait), .timer(client, .timeWait, atLeast: 50), .noSocket(server)]),
            LessonStep("The same ports cannot be bound",
                       says: "A new socket tries to bind the client's address and port 40001 again. The TIME_WAIT socket still holds them: bind() fails with EADDRINUSE. This is what protects a new connection from the old one's delayed segments.",
                       do: [.connect(clientAgain)],
                       expect: [.error(clientAgain, "EADDRINUSE"), .state(client, .timeWait)]),
            LessonStep("SO_REUSEADDR, and tcp_tw_reuse",
                       says: "With SO_REUSEADDR on the new socket (and on the old one) the bind succeeds, but connecting to the very same server address and port needs the kernel's consent: tcp_tw_reuse lets it take over a TIME_WAIT connection once a second has passed since its last segment, relying on TCP timestamps to tell old segments from new.",
                       do: [.sysctl("tcp_tw_reuse", 1), .pause(seconds: 1.1), .reuseAddress(clientAgain), .connect(clientAgain),
                            .accept(.server(of: clientAgain))],
                       expect: [.state(clientAgain, .established), .state(.server(of: clientAgain), .established)],
                       within: 5),
            LessonStep("SO_LINGER 0 skips TIME_WAIT",
                       says: "A second client closes with SO_LINGER 0: a RST instead of a FIN, and no TIME_WAIT at all. It frees the port at once, and loses the protection: use it only when the peer is known to be done.",
                       do: [.connect(.client(2)), .accept(.server(of: .client(2))), .abort(.client(2))],
                       expect: [.segments(.rst(from: .client(2)), atLeast: 1), .noSocket(.client(2)), .noSocket(.server(of: .client(2)))]),
        ])

    /// The client's addresses and ports again, on a new socket.
    static let clientAgain = LabEnd(name: "client again", local: LabEnd.client1.local, remote: LabEnd.client1.remote)
}
