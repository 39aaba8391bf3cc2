import SockscopeCore
import SockscopeTransport

/// Lines on standard error. stdout carries data only (DESIGN.md), so every message goes here.
public struct Diagnostics {
    public let fd: Int32
    public let verbose: Bool
    /// --json: events are JSON objects, stamped by `wallClock`.
    public let json: Bool
    let wallClock: () -> Double

    public init(fd: Int32, verbose: Bool, json: Bool = false, wallClock: @escaping () -> Double = { 0 }) {
        self.fd = fd
        self.verbose = verbose || json
        self.json = json
        self.wallClock = wallClock
    }

    /// A line shown only under -v.
    public func info(_ line: String) {
        if verbose { write(line) }
    }

    /// An event of the session: its JSON object under --json, else nc's words under -v.
    public func event(_ event: SessionEvent) {
        if let line = self.line(for: event) { write(line) }
    }

    /// What `event` writes, if anything.
    public func line(for event: SessionEvent) -> String? {
        if json { return event.json(wallTime: wallClock()) }
        return verbose ? event.text : nil
    }

    /// A failure, always shown: `sockscope: MESSAGE`, on one line whatever it quotes (a file
    /// name, a recording's text): escaped for the terminal.
    public func error(_ message: String) { write("sockscope: \(message.terminalSafe)") }

    public func write(_ line: String) {
        Descriptor.writeAll(fd, line + "\n")
    }
}
