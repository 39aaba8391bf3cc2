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
            "hex": .hex, "all": .all, "pause": .pause, "next": .next, "prev": .prev, "clear": .clear, "ladder": .ladder,
            "compact": .compact, "hold": .hold, "release": .release, "diagram": .diagram, "tls": .tls,
        ]
        if let command = plain[name] {
            self = argument.isEmpty ? .command(command) : .invalid("/\(name) takes no argument")
        } else if name == "filter" {
            self = .command(.filter(argument.split(separator: " ").joined(separator: " ")))
        } else if name == "sort" {
            self = argument.isEmpty ? .invalid("/sort needs a column: \(TableSort.allCases.dropFirst().map(\.rawValue).joined(separator: ", ")), none")
                                    : .command(.sort(argument))
        } else if name == "broadcast" {
            self = argument.isEmpty ? .invalid("/broadcast needs the text to send") : .command(.broadcast(argument))
        } else {
            self = .invalid("unknown command /\(name): /help lists them; // sends a line beginning with /")
        }
    }
}
