import Glibc
import SockscopeCore
import SockscopeTransport

/// --exec PROG / --sh-exec CMD (issue 22): each connection has a program of its own behind it.
/// The connection's bytes go to the program's standard input and its standard output back,
/// through the engine — counted, dumped, held like any — never by handing the program the
/// socket. The peer's FIN closes the program's input; the end of its output sends our FIN.
/// A program that does not read holds the connection (its window closes), nothing lost.
final class ExecFace: EngineFace {
    struct Program {
        let child: ChildProcess
        /// Received, not yet taken by the program: `pending` from `taken` on.
        var pending: [UInt8] = []
        var taken = 0
        var waiting: Int { pending.count - taken }
        /// The peer sent FIN: the program's input closes once `pending` is written.
        var peerDone = false
        var held = false
    }

    let command: [String]
    /// --exec-stderr: the program's standard error goes to the connection with its output.
    let stderrToSocket: Bool
    /// Says a failure in one line, always (a program that could not be started).
    let fail: (String) -> Void
    /// Says an event of the programs' in turn with the engine's (-v, --json).
    let tell: (SessionEvent) -> Void
    /// Every event, for -v and --json lines and the session's failures (PipeMode's).
    let onEvent: (EngineEvent) -> Void
    var programs: [Int: Program] = [:]
    /// Programs whose connection has gone, not yet reaped.
    var ending: [(id: Int, child: ChildProcess)] = []
    /// The face's poll slots of the last round: a connection and which end of its program.
    var slots: [(id: Int, output: Bool)] = []
    /// The last program's status: with one connection (-l alone, a dial) the session's.
    private(set) var lastStatus: ChildProcess.Status?
    /// A program could not be started (said in one line): the session fails.
    private(set) var startFailed = false

    var buffer = [UInt8](repeating: 0, count: 1 << 18)
    /// Received bytes held for a program, at most, before its connection stops being read.
    static let holdAbove = 1 << 20
    /// Output queued for the peer, at most, before the program's output stops being read.
    static let queueAbove = 1 << 20

    init(command: [String], stderrToSocket: Bool = false, fail: @escaping (String) -> Void, tell: @escaping (SessionEvent) -> Void, onEvent: @escaping (EngineEvent) -> Void) {
        self.command = command
        self.stderrToSocket = stderrToSocket
        self.fail = fail
        self.tell = tell
        self.onEvent = onEvent
    }

    func engine(_ engine: Engine, received bytes: UnsafeRawBufferPointer, on id: Int) {
        guard var program = programs[id] else { return }
        program.pending += bytes
        feed(&program, id: id, engine: engine)
        programs[id] = program
    }

    /// Writes what the program can take now; closes its input once the peer is done and all
    /// is written. A program that closed its input loses what it did not read (as a pipe would).
    func feed(_ program: inout Program, id: Int, engine: Engine) {
        let fd = program.child.input
        while fd >= 0 && program.waiting > 0 {
            let taken = program.taken
            let n = program.pending.withUnsafeBytes { raw in write(fd, raw.baseAddress.map { $0 + taken }, raw.count - taken) }
            if n > 0 {
                program.taken += n
                continue
            }
            if n < 0 && (errno == EAGAIN || errno == EINTR) { break }
            program.pending.removeAll()  // EPIPE: it stopped reading for good
            program.taken = 0
            program.child.closeInput()
        }
        // What was taken goes once it is most of the buffer (not a copy per write).
        if program.taken == program.pending.count {
            program.pending.removeAll(keepingCapacity: true)
            program.taken = 0
        } else if program.taken > program.pending.count / 2 {
            program.pending.removeFirst(program.taken)
            program.taken = 0
        }
        if program.peerDone && program.waiting == 0 { program.child.closeInput() }
        let hold = program.waiting > Self.holdAbove
        if hold != program.held {
            program.held = hold
            engine.hold(id, hold)
        }
    }

    func engine(_ engine: Engine, event: EngineEvent) {
        onEvent(event)
        switch event {
        case .opened(let id, _, _):
            do {
                let child = try ChildProcess(command, stderrToOutput: stderrToSocket)
                programs[id] = Program(child: child)
                tell(SessionEvent("exec-started", [("connection", .int(id)), ("pid", .int(Int(child.pid))),
                                                        ("program", .string(command.joined(separator: " ")))],
                                       text: "Started \(command.joined(separator: " ").terminalSafe) (pid \(child.pid)) for connection #\(id)"))
            } catch {
                // In turn with the lines before it (the connection's "received"), not ahead of them.
                fail(error.description)
                startFailed = true
                engine.reset(id)
            }
        case .peerFinished(let id):
            guard var program = programs[id] else { return }
            program.peerDone = true
            feed(&program, id: id, engine: engine)
            programs[id] = program
        case .closed(let id, _, _):
            guard let program = programs.removeValue(forKey: id) else { return }
            program.child.closeInput()
            program.child.closeOutput()
            ending.append((id, program.child))
            reapEnding()
        default:
            break
        }
    }

    /// Tells each program that has ended; one whose connection went before it ended is asked to
    /// stop once its output has nowhere to go.
    func reapEnding() {
        ending.removeAll { id, child in
            guard let status = child.reap() else { return false }
            lastStatus = status
            let fields: [(String, JSONValue)] = switch status {
            case .exited(let code): [("exit", .int(Int(code)))]
            case .signaled(let signal): [("signal", .int(Int(signal)))]
            }
            tell(SessionEvent("exec-ended", [("connection", .int(id)), ("pid", .int(Int(child.pid)))] + fields,
                                   text: "Program of connection #\(id) (pid \(child.pid)) ended: \(status.words)"))
            return true
        }
    }

    func prepare(_ engine: Engine, now: Double, set: inout PollSet<Engine.Slot>) -> Double? {
        reapEnding()
        slots.removeAll(keepingCapacity: true)
        for (id, program) in programs {
            // Its output is read while the peer's queue has room (the peer's pace is the program's).
            if program.child.output >= 0, (engine.unsent(id) ?? 0) < Self.queueAbove {
                set.watch(program.child.output, POLLIN, as: .face(slots.count))
                slots.append((id, true))
            }
            if program.child.input >= 0 && program.waiting > 0 {
                set.watch(program.child.input, POLLOUT, as: .face(slots.count))
                slots.append((id, false))
            }
        }
        // Without SIGCHLD, a program still ending is looked at again soon.
        return ending.isEmpty ? nil : now + 0.05
    }

    func ready(_ engine: Engine, slot: Int, revents: Int32) -> EngineOutcome? {
        guard slot < slots.count, var program = programs[slots[slot].id] else { return nil }
        let id = slots[slot].id
        if slots[slot].output {
            // A few reads a wake-up, while it writes and the peer's queue has room.
            for _ in 0..<8 where program.child.output >= 0 && (engine.unsent(id) ?? 0) < Self.queueAbove {
                let n = buffer.withUnsafeMutableBytes { raw in read(program.child.output, raw.baseAddress, raw.count) }
                if n > 0 {
                    engine.send(Array(buffer[..<n]), to: id)
                    continue
                }
                if n == 0 || (errno != EAGAIN && errno != EINTR) {
                    // The end of its output: our FIN, once what it wrote has gone.
                    program.child.closeOutput()
                    engine.requestFIN(id)
                }
                break
            }
        } else {
            feed(&program, id: id, engine: engine)
        }
        programs[id] = program
        return nil
    }

    func handles(signal: Int32) -> Bool { false }

    func ends(with outcome: EngineOutcome) -> Bool { true }

    /// At the session's end: the programs still running are asked to stop, and each is waited
    /// for a moment so that its status is told (and, with one connection, exited with).
    func finish() {
        for program in programs.values {
            program.child.closeInput()
            program.child.closeOutput()
            program.child.stop()
        }
        ending += programs.map { ($0.key, $0.value.child) }
        programs.removeAll()
        for _ in 0..<100 where !ending.isEmpty {
            reapEnding()
            if !ending.isEmpty { usleep(10_000) }
        }
    }
}
