extension Lessons {
    static let delayedACK = Lesson(
        name: "delayed-ack",
        title: "Delayed ACK: why FIN_WAIT1 lasts about 40 ms on loopback",
        summary: "why FIN_WAIT1 lasts ~40 ms on loopback",
        steps: [
            connected(),
            exchange(client, server),
            LessonStep("The ACK of a FIN waits",
                       says: "The client closes. The server's kernel receives the FIN but does not acknowledge it at once: the connection is interactive, so it delays the ACK (about 40 ms on Linux) in the hope of sending it along with a reply or its own FIN. For those 40 ms the client sits in FIN_WAIT1, even on loopback, where a round trip takes microseconds.",
                       do: [.close(client)],
                       expect: [.gap(after: .fin(from: client), then: .ack(from: server), atLeast: 0.02, atMost: 0.5),
                                .state(client, .finWait2), .state(server, .closeWait)]),
            LessonStep("A second connection, also interactive",
                       says: "A second connection, with the same request and reply.",
                       do: [.connect(.client(2)), .accept(.server(of: .client(2)))] + exchange(.client(2), .server(of: .client(2))).actions,
                       expect: [.received(.server(of: .client(2)), atLeast: 100), .received(.client(2), atLeast: 100)]),
            LessonStep("A quick close carries the ACK",
                       says: "Its client closes, and this time the server closes at once, well within the 40 ms. The server's FIN carries the acknowledgment: no bare ACK is sent, and the client goes straight on to TIME_WAIT.",
                       do: [.close(.client(2)), .close(.server(of: .client(2)))],
                       expect: [.state(.client(2), .timeWait), .segments(.fin(from: .server(of: .client(2))), atLeast: 1),
                                .noSegment(.ack(from: .server(of: .client(2))))],
                       then: "The delay saves a segment whenever the application answers quickly: the case it was made for (telnet's echo, a request and its reply)."),
        ])

    /// A request and its reply: the kernel sees an interactive connection and starts delaying ACKs.
    static func exchange(_ client: LabEnd, _ server: LabEnd) -> LessonStep {
        LessonStep("A request and a reply",
                   says: "The client sends a request of 100 bytes, the server reads it and replies at once. A reply that follows a request this closely tells the kernel the connection is interactive (pingpong mode): from now on it delays its ACKs.",
                   do: [.read(server), .read(client), .send(client, bytes: 100), .send(server, bytes: 100)],
                   expect: [.received(server, atLeast: 100), .received(client, atLeast: 100)])
    }
}
