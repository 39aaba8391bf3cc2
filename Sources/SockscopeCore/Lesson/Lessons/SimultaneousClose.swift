extension Lessons {
    static let simultaneousClose = Lesson(
        name: "simultaneous-close",
        title: "Simultaneous close: both ends in CLOSING",
        summary: "FINs cross: CLOSING, then TIME_WAIT on both ends",
        steps: [
            connected(),
            LessonStep("Both FINs cross: CLOSING on both ends",
                       says: "The lab slows the wire, so that segments queue for a moment, and drops bare ACKs in both directions. Both ends shut down their sending side at once: each FIN leaves before the other's arrives. Each end, in FIN_WAIT1, then receives a FIN that does not acknowledge its own: that is CLOSING, a state a one-sided close never reaches.",
                       do: [.hold(Hold(.ack, to: client)), .hold(Hold(.ack, to: server)), .slowWire(bitsPerSecond: 100_000),
                            .shutdown(client), .shutdown(server)],
                       expect: [.state(client, .closing), .state(server, .closing),
                                .segments(.fin(from: client), atLeast: 1), .segments(.fin(from: server), atLeast: 1)]),
            LessonStep("The ACKs arrive: TIME_WAIT on both ends",
                       says: "The wire is back to full speed and the ACKs pass. Each end retransmits its FIN, the other acknowledges it, and both enter TIME_WAIT: with a simultaneous close, both ends wait.",
                       do: [.slowWire(bitsPerSecond: nil), .release(Hold(.ack, to: client)), .release(Hold(.ack, to: server))],
                       expect: [.state(client, .timeWait), .state(server, .timeWait)],
                       within: 8),
        ])
}
