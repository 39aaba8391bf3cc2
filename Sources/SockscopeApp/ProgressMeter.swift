import Glibc
import SockscopeCore
import SockscopeTransport

/// Progress on standard error, as pv draws it beside nc (issue 24): on a terminal one line
/// redrawn in place at most ten times a second; elsewhere (asked for with --progress) a line at
/// most once a second, for a log. Never a byte on standard output.
final class ProgressMeter {
    let fd: Int32
    let inPlace: Bool
    let clock: () -> Double
    var started: Double
    var begun = false
    var lastDrawn = -Double.infinity
    var drawnAny = false
    /// What was drawn last: a last line the same as it is not written again.
    var lastText = ""
    var finished = false

    /// nil when progress is not wanted: `asked` nil means "when standard error is a terminal".
    init?(fd: Int32, asked: Bool?, clock: @escaping () -> Double) {
        let terminal = isatty(fd) == 1
        guard asked ?? terminal else { return nil }
        self.fd = fd
        inPlace = terminal
        self.clock = clock
        started = clock()
    }

    var seconds: Double { clock() - started }

    /// The clock starts now, once: at the first byte rather than when the meter was made.
    func begin() {
        guard !begun else { return }
        begun = true
        started = clock()
    }

    /// Draws `text()` when the last drawing is old enough (0.1 s in place, 1 s as lines) and
    /// there is something to draw (nil: not yet).
    func update(_ text: () -> String?) {
        let now = clock()
        guard now - lastDrawn >= (inPlace ? 0.1 : 1), let line = text() else { return }
        lastDrawn = now
        draw(line, final: false)
    }

    /// Another line is about to be written to the same place: the one drawn in place is
    /// erased, and drawn again at the next update.
    func clearLine() {
        guard inPlace, drawnAny else { return }
        Descriptor.writeAll(fd, "\r\u{1B}[K")
        drawnAny = false
        lastDrawn = -Double.infinity
    }

    /// The last drawing, whatever the time, ended by a newline.
    func finish(_ text: String) {
        finished = true
        if !inPlace && text == lastText { return }
        draw(text, final: true)
    }

    /// The run ended another way (a failure, a signal): a line drawn in place is ended, so that
    /// what follows (the error, the shell's prompt) starts on a line of its own.
    func abandon() {
        guard inPlace, drawnAny, !finished else { return }
        finished = true
        Descriptor.writeAll(fd, "\n")
    }

    func draw(_ text: String, final: Bool) {
        drawnAny = true
        lastText = text
        let line = text.terminalSafe
        // \r and erase-to-end-of-line: a shorter line leaves nothing of the longer one before it.
        Descriptor.writeAll(fd, inPlace ? "\r\(line)\u{1B}[K" + (final ? "\n" : "") : line + "\n")
    }
}
