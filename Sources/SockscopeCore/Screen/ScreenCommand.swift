/// What a line typed at the input line means: data for the peer, or a `/` command.
public enum ScreenCommand: Equatable, Sendable {
    case help, shutdown, close, reset, quit, hex, all, pause, next, prev, clear, ladder, compact, hold, release, diagram, tls
    /// `/filter EXPR`; an empty expression clears the filter.
    case filter(String)
    case broadcast(String)
    /// `/sort COLUMN`: the order of the table's system rows.
    case sort(String)

    /// Every command with its one-line description, in the order /help lists them.
    public static let descriptions: [(usage: String, text: String)] = [
        ("/help", "show keys and commands"),
        ("/shutdown", "send FIN: shut down our write half, keep reading"),
        ("/close", "close the connection (FIN, then no more reading)"),
        ("/reset", "abort the connection with RST (SO_LINGER 0)"),
        ("/hold, /release", "stop reading the connection (its window closes), read again"),
        ("/quit", "leave sockscope"),
        ("/hex", "toggle the hex view of the conversation"),
        ("/all", "toggle every socket of the system (not only ours)"),
        ("/filter EXPR", "narrow the table and log: state, port, process, text"),
        ("/pause", "freeze the state table (toggle)"),
        ("/sort COLUMN", "order the table: state, recv-q, send-q, local, peer, timer, age, process, none"),
        ("/ladder", "show the segments as a ladder (toggle; as root)"),
        ("/compact", "the log: one line per transition (toggle)"),
        ("/diagram", "RFC 9293's state diagram, the selected socket's state lit (toggle)"),
        ("/tls", "the connection's TLS: parameters, certificates, verification, timings (toggle)"),
        ("/next, /prev", "select the next or previous connection (-l -k)"),
        ("/broadcast TEXT", "send TEXT to every connection"),
        ("/clear", "clear the conversation"),
        ("//TEXT", "send TEXT beginning with a slash"),
    ]
}
