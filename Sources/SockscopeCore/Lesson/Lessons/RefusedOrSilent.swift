extension Lessons {
    static let refused = Lesson(
        name: "refused",
        title: "Refused or unanswered: RST against silence",
        summary: "RST from a closed port against SYNs to a silent one",
        steps: [
            LessonStep("A closed port answers",
                       says: "Nothing listens on the server's port 80. The client's SYN arrives anyway, and the server's kernel answers it with a RST: connect() fails at once with ECONNREFUSED.",
                       do: [.connect(client)],
                       expect: [.error(client, "ECONNREFUSED"), .segments(.syn(from: client), atLeast: 1), .segments(.rst(from: server), atLeast: 1)],
                       then: "One round trip, and the client knows. This is what 'Connection refused' means: a host answered."),
            LessonStep("A silent port: the SYN retransmitted with backoff",
                       says: "Now the lab drops every SYN to port 80, as a firewall that drops (rather than rejects) does. The second client's SYN gets no answer at all, so its kernel sends it again after 1 s, then 2 s later, each wait twice the last (exponential backoff). The lab allows 2 retries (tcp_syn_retries=2) to keep this short; the default is 6, about 2 minutes. (Linux 6.x retries the first four SYNs a fixed second apart, tcp_syn_linear_timeouts=4; the lab sets it to 0 to show the classic doubling.)",
                       do: [.sysctl("tcp_syn_retries", 2), .sysctl("tcp_syn_linear_timeouts", 0), .hold(Hold(.syn, to: LabEnd.server(of: .client(2)))), .connect(.client(2))],
                       expect: [.state(.client(2), .synSent), .backoff(.syn(from: .client(2), dropped: true), count: 3)],
                       within: 6),
            LessonStep("ETIMEDOUT",
                       says: "After the last retry the kernel waits once more, twice as long, then gives up: connect() fails with ETIMEDOUT, 1 + 2 + 4 = 7 s after it began.",
                       do: [],
                       expect: [.error(.client(2), "ETIMEDOUT"), .noSocket(.client(2)), .noSegment(.rst(from: .server(of: .client(2))))],
                       within: 8,
                       then: "Refused is fast and says a host is there; a timeout is slow and says nothing: the host may be down, or a firewall drops."),
        ])
}
