/// What a line typed at the input line means: data for the peer, or a `/` command.
public enum ScreenCommand: Equatable, Sendable {
    case help, shutdown, close, reset, quit, hex, all, pause, next, prev, clear
    /// `/filter EXPR`; an empty expression clears the filter.
    case filter(String)
    case broadcast(String)

    /// Every command with its one-line description, in the order /help lists them.
    public static let descriptions: [(usage: String, text: String)] = [
        ("/help", "show keys and commands"),
        ("/shutdown", "send FIN: shut down our write half, keep reading"),
        ("/close", "close the connection (FIN, then no more reading)"),
        ("/reset", "abort the connection with RST (SO_LINGER 0)"),
        ("/quit", "leave sockscope"),
        ("/hex", "toggle the hex view of the conversation"),
        ("/all", "toggle every socket of the system (not only ours)"),
        ("/filter EXPR", "filter the table: state, port, tcp/udp, 4/6, listen, or text"),
        ("/pause", "freeze the state table (toggle)"),
        ("/next, /prev", "select the next or previous session (-l -k)"),
        ("/broadcast TEXT", "send TEXT to every session"),
        ("/clear", "clear the conversation"),
        ("//TEXT", "send TEXT beginning with a slash"),
    ]
}

/// The meaning of an entered line.
public enum EnteredLine: Equatable, Sendable {
    case data(String)
    case command(ScreenCommand)
    /// An unknown or malformed command, with the message to show.
    case invalid(String)

    public init(_ line: String) {
        guard line.hasPrefix("/") else {
            self = .data(line)
            return
        }
        if line.hasPrefix("//") {
            self = .data(String(line.dropFirst()))
            return
        }
        let words = line.dropFirst().split(separator: " ", maxSplits: 1)
        let name = words.first.map(String.init) ?? ""
        let argument = words.count > 1 ? String(words[1]) : ""
        let plain: [String: ScreenCommand] = [
            "help": .help, "shutdown": .shutdown, "close": .close, "reset": .reset, "quit": .quit,
            "hex": .hex, "all": .all, "pause": .pause, "next": .next, "prev": .prev, "clear": .clear,
        ]
        if let command = plain[name] {
            self = argument.isEmpty ? .command(command) : .invalid("/\(name) takes no argument")
        } else if name == "filter" {
            self = .command(.filter(argument.split(separator: " ").joined(separator: " ")))
        } else if name == "broadcast" {
            self = argument.isEmpty ? .invalid("/broadcast needs the text to send") : .command(.broadcast(argument))
        } else {
            self = .invalid("unknown command /\(name): /help lists them; // sends a line beginning with /")
        }
    }
}
