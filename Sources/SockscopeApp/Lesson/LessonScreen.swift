import CLinux
import Glibc
import SockscopeCore
import SockscopeTUI
import SockscopeTransport

/// The lesson on the screen, live or replayed: the model built from the events, drawn once a
/// round of the lab (or at a key); Space or Enter runs (or reveals) the next step, `r` starts
/// again, `q` or Esc leaves.
final class LessonScreen {
    enum Choice { case next, restart, leave }

    let screen: Screen
    let io: SystemIO
    let signalFD: Int32
    var model = LessonScreenModel()
    let view = LessonView()
    /// A key pressed while a step ran: acted on when it ends (r, q) — q leaves at once.
    var pending: Choice?
    /// Events taken since the last drawing.
    var changed = false

    init(io: SystemIO, signalFD: Int32) throws {
        self.io = io
        self.signalFD = signalFD
        screen = try io.makeScreen(io.wantsColour)
    }

    /// The screen, or one line saying why it cannot open.
    static func open(io: SystemIO, signalFD: Int32, log: Diagnostics) throws(LessonMode.Stop) -> LessonScreen {
        do {
            return try LessonScreen(io: io, signalFD: signalFD)
        } catch {
            log.error("cannot open the screen: \(error)")
            throw LessonMode.Stop(status: .failure)
        }
    }

    func close() { screen.close() }

    /// Takes an event; the screen is drawn by `drawIfChanged`, once a round.
    func show(_ event: LessonEvent) {
        model.apply(event)
        changed = true
    }

    func drawIfChanged() {
        guard changed else { return }
        draw()
    }

    func draw() {
        changed = false
        view.draw(model, on: screen)
    }

    func reset() {
        let big = model.big
        model = LessonScreenModel()
        model.big = big
        pending = nil
        left = false
    }

    /// Waits for Space/Enter, r or q (a signal that ends the screen throws).
    func choose() throws(LessonMode.Stop) -> Choice {
        if let choice = pending {
            pending = nil
            return choice
        }
        model.waitingForKey = true
        draw()
        defer { model.waitingForKey = false }
        while true {
            if try waitForKeys(), let choice = readChoice() { return choice }
        }
    }

    /// Waits for the keyboard, beside the signals: true when keys are there to read (a signal
    /// the screen handles, a resize, returns false; one that ends it throws).
    func waitForKeys() throws(LessonMode.Stop) -> Bool {
        var set = PollSet<Int>()
        set.watch(signalFD, POLLIN, as: -1)
        set.watch(screen.keyboard, POLLIN, as: 0)
        guard (try? set.wait(timeout: -1)) == true else { return false }
        if set.revents(of: -1) != 0 {
            let signal = clinux_read_signal(signalFD)
            if signal != 0 && !handles(signal) { throw LessonMode.Stop(status: .signal(signal)) }
        }
        return set.revents(of: 0) != 0
    }

    /// --quiz: asks `question` on the screen and returns what was typed (Enter), or nothing
    /// (Esc). Ctrl-C leaves; a signal that ends the screen throws.
    func answer(_ question: String) throws(LessonMode.Stop) -> String {
        model.asking = (question, "")
        draw()
        defer {
            model.asking = nil
            draw()
        }
        while true {
            guard try waitForKeys() else { continue }
            for key in screen.readKeys() {
                switch key {
                case .enter: return model.asking?.typed ?? ""
                case .escape: return ""
                case .control("c"): throw LessonMode.Stop(status: .success)
                case .backspace, .delete: if model.asking?.typed.isEmpty == false { model.asking?.typed.removeLast() }
                case .character(let character) where (model.asking?.typed.count ?? 0) < 40 && character.isASCII && !character.isNewline:
                    model.asking?.typed.append(character)
                case .resize: screen.resize()
                default: break
                }
            }
            draw()
        }
    }

    /// Whether q was pressed after the lesson's end (the run is over: leaving is not an error).
    private(set) var left = false

    /// Keys read while the lab runs: q leaves now (after the lesson's end, it is told by `left`);
    /// r restarts and Space goes on when the step in course ends.
    func keysDuringStep() throws(LessonMode.Stop) {
        guard let choice = readChoice() else { return }
        if choice == .leave {
            guard model.result != nil else { throw LessonMode.Stop(status: .success) }
            left = true
        }
        if pending != .restart { pending = choice }
    }

    func waiting(_ on: Bool) {
        model.waitingForKey = on
        draw()
    }

    /// The key chosen, consumed.
    func take() -> Choice {
        defer { pending = nil }
        return pending ?? .next
    }

    func readChoice() -> Choice? {
        var choice: Choice?
        for key in screen.readKeys() {
            switch key {
            case .character(" "), .enter: choice = choice ?? .next
            case .character("r"), .character("R"): choice = .restart
            case .character("n"), .character("N"):
                model.narrationWhole.toggle()
                draw()
            case .character("b"), .character("B"):
                model.big.toggle()
                draw()
            case .character("q"), .character("Q"), .escape, .control("c"): return .leave
            case .resize:
                screen.resize()
                draw()
            case .left, .right:
                model.chooseLadder(by: key == .left ? -1 : 1)
                draw()
            case .up, .down, .pageUp, .pageDown:
                let page = max(1, screen.rows / 3)
                let rows = key == .up ? 1 : key == .down ? -1 : key == .pageUp ? page : -page
                model.moveLadderSelection(by: rows, rowCount: model.ladder.map { LessonView.rows(of: $0).count } ?? 0)
                draw()
            default: break
            }
        }
        return choice
    }

    /// SIGWINCH and Ctrl-Z (ScreenSignals); the ending signals are not handled here.
    func handles(_ signal: Int32) -> Bool {
        guard ScreenSignals.follow(signal, on: screen, io: io) else { return false }
        draw()
        return true
    }
}
