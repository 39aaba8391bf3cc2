import Glibc
import SockscopeCore
import SockscopeTransport

/// Where `sockscope probe` says what it found: greppable lines, JSON objects, or — on a
/// terminal — the lines with a histogram of the connect times below them that fills as results
/// come (erased and drawn again under each new line, at most ten times a second; drawn for good
/// before the summary).
final class ProbeDisplay {
    let out: StandardOutput
    let signalFD: Int32
    let log: Diagnostics
    let json: Bool
    let wallClock: () -> Double
    let clock: () -> Double
    /// Columns of the terminal, or nil when standard output is none (or --json).
    let terminalWidth: Int?
    var drawnRows = 0
    var lastDrawn = -Double.infinity
    var samples: [Double] = []

    init(io: SystemIO, signalFD: Int32, log: Diagnostics, json: Bool) {
        out = StandardOutput(io.stdout)
        self.signalFD = signalFD
        self.log = log
        self.json = json
        wallClock = io.wallClock
        clock = io.monotonic
        if !json && isatty(io.stdout) == 1 && io.environment("TERM") != "dumb" {
            var size = winsize()
            let columns = ioctl(io.stdout, UInt(TIOCGWINSZ), &size) == 0 ? Int(size.ws_col) : 0
            terminalWidth = columns >= 20 ? min(columns, 200) : 80
        } else {
            terminalWidth = nil
        }
    }

    /// An event in its form; nil when written, else how the run must end.
    func say(_ event: SessionEvent) -> ExitStatus? {
        write(json ? event.json(wallTime: wallClock()) : (event.text ?? ""))
    }

    func result(_ result: ProbeResult) -> ExitStatus? {
        if let connect = result.connect, result.outcome == .connected || result.outcome == .failed { samples.append(connect) }
        return say(SessionEvent("probe", result.json, text: result.text))
    }

    /// The last histogram, kept, and the summary under it.
    func finish(_ summary: ProbeSummary) -> ExitStatus? {
        if terminalWidth != nil, let status = redraw(force: true) { return status }
        drawnRows = 0
        return say(SessionEvent("summary", summary.json, text: summary.text))
    }

    func write(_ line: String) -> ExitStatus? {
        var text = ""
        // Up over the histogram and erase it: the new line takes its place, it goes below.
        if drawnRows > 0 { text = "\u{1B}[\(drawnRows)A\r\u{1B}[J" }
        drawnRows = 0
        text += line + "\n"
        if let status = OutputLines.write(text, to: out, signalFD: signalFD, log: log) { return status }
        return terminalWidth == nil ? nil : redraw(force: false)
    }

    func redraw(force: Bool) -> ExitStatus? {
        guard let width = terminalWidth, !samples.isEmpty else { return nil }
        let now = clock()
        guard force || now - lastDrawn >= 0.1 else { return nil }
        lastDrawn = now
        var text = drawnRows > 0 ? "\u{1B}[\(drawnRows)A\r\u{1B}[J" : ""
        let rows = ["connect times of \(samples.count) probe\(samples.count == 1 ? "" : "s"):"]
            + ProbeHistogram.lines(samples, rows: 8, width: width - 1)
        text += rows.map { $0 + "\n" }.joined()
        drawnRows = rows.count
        return OutputLines.write(text, to: out, signalFD: signalFD, log: log)
    }
}
