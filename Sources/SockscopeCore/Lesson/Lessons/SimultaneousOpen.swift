extension Lessons {
    static let simultaneousOpen = Lesson(
        name: "simultaneous-open",
        title: "Simultaneous open: two SYNs cross",
        summary: "SYNs cross, no listener: SYN_RECV on both ends",
        steps: [
            LessonStep("Both ends send a SYN",
                       says: "A and B each bind a port and connect() to the other: there is no listener. The lab slows the wire so that the two SYNs are on their way at once, and drops SYN-ACKs. Each end, in SYN_SENT, receives a SYN rather than a SYN-ACK: it answers with a SYN-ACK and enters SYN_RECV.",
                       do: patientTimers + [.hold(Hold(.synAck, to: .peerA)), .hold(Hold(.synAck, to: .peerB)), .slowWire(bitsPerSecond: 100_000),
                                            .connect(.peerA), .connect(.peerB)],
                       expect: [.state(.peerA, .synRecv), .state(.peerB, .synRecv),
                                .segments(.syn(from: .peerA), atLeast: 1), .segments(.syn(from: .peerB), atLeast: 1),
                                .segments(.synAck(from: .peerA, dropped: true), atLeast: 1)]),
            LessonStep("The SYN-ACKs arrive: ESTABLISHED",
                       says: "The SYN-ACKs are let through. Each end's SYN-ACK acknowledges the other's SYN, so both are ESTABLISHED: one connection, four segments, no server.",
                       do: [.slowWire(bitsPerSecond: nil), .release(Hold(.synAck, to: .peerA)), .release(Hold(.synAck, to: .peerB))],
                       expect: [.state(.peerA, .established), .state(.peerB, .established)],
                       within: 8,
                       then: "RFC 9293 allows this; it is rare in practice, but NAT traversal (TCP hole punching) relies on it."),
        ])
}
