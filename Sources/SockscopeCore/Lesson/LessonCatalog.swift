/// Every lesson, in the order suggested for a class: `sockscope lesson` lists them, `sockscope
/// lesson NAME` runs one. The first four are a 20-minute class (the man page's TEACHING): a
/// connection opened, closed, its TIME_WAIT, and flow control; then what goes wrong, then the
/// corners.
public enum LessonCatalog {
    public static let all: [Lesson] = [
        Lessons.handshake, Lessons.close, Lessons.timeWait, Lessons.flowControl,
        Lessons.writes, Lessons.refused, Lessons.resets, Lessons.retransmission, Lessons.delayedACK,
        Lessons.backlog, Lessons.simultaneousOpen, Lessons.simultaneousClose, Lessons.datagrams,
    ]

    /// About how long each takes in class, holds explained: the list says it.
    public static let minutes: [String: Int] = [
        "handshake": 4, "close": 6, "time-wait": 5, "flow-control": 5, "refused": 3, "resets": 5, "retransmission": 6,
        "delayed-ack": 3, "writes": 4, "backlog": 5, "simultaneous-open": 4, "simultaneous-close": 4, "udp": 3,
    ]

    public static func named(_ name: String) -> Lesson? { all.first { $0.name == name } }

    /// `sockscope lesson`'s lines: name, minutes, what it shows.
    public static func listing() -> String {
        let width = all.map(\.name.count).max() ?? 0
        var text = ""
        for lesson in all {
            let minutes = "\(minutes[lesson.name] ?? 5) min"
            text += lesson.name + String(repeating: " ", count: width - lesson.name.count + 1) + minutes + "  " + lesson.summary + "\n"
        }
        return text
    }
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
