import SockscopeTransport

/// Lines on standard error. stdout carries data only (DESIGN.md), so every message goes here.
public struct Diagnostics {
    public let fd: Int32
    public let verbose: Bool

    public init(fd: Int32, verbose: Bool) {
        self.fd = fd
        self.verbose = verbose
    }

    /// A line shown only under -v.
    public func info(_ line: String) {
        if verbose { write(line) }
    }

    /// A failure, always shown: `sockscope: MESSAGE`, on one line whatever it quotes (a file
    /// name, a recording's text): escaped for the terminal.
    public func error(_ message: String) { write("sockscope: \(message.terminalSafe)") }

    public func write(_ line: String) {
        Descriptor.writeAll(fd, line + "\n")
    }
}
