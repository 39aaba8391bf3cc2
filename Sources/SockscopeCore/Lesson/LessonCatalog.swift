/// Every lesson, in teaching order: `sockscope lesson` lists them, `sockscope lesson NAME` runs one.
public enum LessonCatalog {
    public static let all: [Lesson] = [
        Lessons.handshake, Lessons.refused, Lessons.backlog, Lessons.close, Lessons.simultaneousClose,
        Lessons.simultaneousOpen, Lessons.resets, Lessons.timeWait, Lessons.flowControl, Lessons.retransmission,
        Lessons.delayedACK, Lessons.datagrams,
    ]

    public static func named(_ name: String) -> Lesson? { all.first { $0.name == name } }
}

/// The lessons themselves, one file each (Lessons/).
public enum Lessons {}

extension Lessons {
    static let client = LabEnd.client1
    static let server = LabEnd.server1
    static let listener = LabEnd.listener

    /// The lab's retransmission timers: backoff capped at 5 s (the kernel's default cap is 120 s),
    /// so that a released hold completes within seconds however long it was held; handshake
    /// retries raised so that a held handshake is not given up while the teacher talks.
    static let patientTimers: [LabAction] = [
        .sysctl("tcp_rto_max_ms", 5000), .sysctl("tcp_syn_retries", 12), .sysctl("tcp_synack_retries", 12),
    ]

    /// A connection between the client and the server, both ESTABLISHED and the server's accepted.
    static func connected(_ client: LabEnd = client, says: String = "A connection to work with: the server listens, the client connects, the server accepts.") -> LessonStep {
        LessonStep("A connection", says: says,
                   do: patientTimers + [.listen(listener, backlog: 8), .connect(client), .accept(.server(of: client))],
                   expect: [.state(client, .established), .state(.server(of: client), .established)])
    }
}
