import CLinux
import Glibc
import SockscopeCore
import SockscopeTransport
import SockscopeTUI

/// The interactive screen (DESIGN.md: one poll() loop over keys, sockets, the tracefs pipe, the
/// signalfd and a refresh timer). The loop feeds the model, asks it what keys mean, acts on the
/// reactions and redraws when something changed — at most 25 times a second during a flood, at
/// once after a key.
final class ConsoleMode {
    /// What the session starts from.
    enum Endpoint {
        case connected(Int32, peer: SocketAddress)
        case listener(Int32)
        /// A bound datagram socket: the first sender becomes the peer (as nc).
        case datagramServer(Int32)
        /// `sockscope watch`: no session.
        case none
    }

    let plan: SessionPlan?
    let io: SystemIO
    let signalFD: Int32
    var model: ConsoleModel
    let screen: CursesScreen
    let view: ConsoleView
    let trace: TraceSource?
    let states: StatesFilter
    let reader = ProcNetReader()
    var attribution = Attribution(root: "/proc")
    var durations = TraceDurations()
    /// The open connections (a closed one leaves the list; its session stays in the model).
    var connections: [ConsoleConnection] = []
    var listener: Int32 = -1
    var datagramServer: Int32 = -1
    var nextID = 1
    let refreshInterval: Double
    var nextRefresh = 0.0
    var quitAt: Double?
    var lastDraw = -Double.infinity
    var keyPressed = false
    let recorder: HexDumpFile?
    var buffer = [UInt8](repeating: 0, count: 1 << 16)

    init(plan: SessionPlan?, io: SystemIO, signalFD: Int32, header: ConsoleModel.Header, trace: TraceSource?,
         states: StatesFilter = StatesFilter(), refreshInterval: Double = 0.5, recorder: HexDumpFile? = nil) throws(CursesScreen.Failure) {
        self.plan = plan
        self.io = io
        self.signalFD = signalFD
        self.trace = trace
        self.states = states
        self.refreshInterval = refreshInterval
        self.recorder = recorder
        model = ConsoleModel(header: header, watchOnly: plan == nil,
                             multiSession: plan?.keepListening ?? false, crlf: plan?.crlf ?? false,
                             sendDisabled: !(plan?.readStdin ?? true))
        let wallOffset = io.wallClock() - io.monotonic()
        view = ConsoleView(formatTime: { ClockText.timeOfDay($0 + wallOffset, digits: 3) })
        screen = try CursesScreen(colours: Terminal.wantsColour)
    }

    deinit {
        if listener >= 0 { close(listener) }
        if datagramServer >= 0 { close(datagramServer) }
    }

    /// Runs until /quit, F10, a -q deadline or a signal; the terminal is restored on every path.
    func run(_ endpoint: Endpoint) -> ExitStatus {
        defer { screen.close() }
        switch endpoint {
        case .connected(let fd, let peer): add(fd, peer: peer)
        case .listener(let fd):
            listener = fd
            registerListener(fd)
        case .datagramServer(let fd):
            datagramServer = fd
            registerListener(fd)
        case .none: break
        }
        refreshTable(at: io.monotonic())
        while true {
            let now = io.monotonic()
            if let quitAt, now >= quitAt { return .success }
            if now >= nextRefresh { refreshTable(at: now) }
            if model.dirty && (keyPressed || now - lastDraw >= 0.04) { draw(now: now) }
            var slots = [pollfd(fd: signalFD, events: Int16(POLLIN), revents: 0),
                         pollfd(fd: io.stdin, events: Int16(POLLIN), revents: 0),
                         pollfd(fd: -1, events: Int16(POLLIN), revents: 0),
                         pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
                         pollfd(fd: datagramServer, events: Int16(POLLIN), revents: 0)]
            // The connections polled this round (accepting below may add more, closing remove some).
            let polled = connections
            for connection in polled {
                var events: Int32 = 0
                if connection.readOpen { events |= Int32(POLLIN) }
                if !connection.outgoing.isEmpty { events |= Int32(POLLOUT) }
                slots.append(pollfd(fd: events == 0 ? -1 : connection.fd, events: Int16(events), revents: 0))
            }
            let traceSlots = slots.count
            for fd in trace?.descriptors ?? [] { slots.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
            var wake = nextRefresh
            if model.dirty { wake = min(wake, lastDraw + 0.04) }
            if let quitAt { wake = min(wake, quitAt) }
            let timeout = Milliseconds.clamped(wake - io.monotonic())
            if poll(&slots, nfds_t(slots.count), timeout) < 0 && errno != EINTR { return .failure }
            keyPressed = false
            if slots[0].revents != 0, let status = handleSignal() { return status }
            if slots[1].revents != 0, let status = handleKeys() { return status }
            if slots[traceSlots...].contains(where: { $0.revents != 0 }) { readTrace() }
            if slots[3].revents != 0 { acceptClients() }
            if slots[4].revents != 0 { receiveFirstDatagram() }
            for (index, connection) in polled.enumerated() where slots[5 + index].revents != 0 {
                service(connection, revents: Int32(slots[5 + index].revents))
            }
        }
    }

    func draw(now: Double) {
        let layout = view.draw(model, now: now, on: screen)
        screen.present()
        model.pageRows = layout.conversation?.height ?? 10
        model.dirty = false
        lastDraw = now
    }

    /// SIGWINCH resizes; SIGINT, SIGTERM and SIGHUP end the screen (the terminal is restored by
    /// `run`'s defer) and the process dies by the signal, as in pipe mode.
    func handleSignal() -> ExitStatus? {
        let number = clinux_read_signal(signalFD)
        if number == SIGWINCH {
            screen.resize()
            model.dirty = true
            keyPressed = true
            return nil
        }
        return number == 0 ? nil : .signal(number)
    }

    func handleKeys() -> ExitStatus? {
        let now = io.monotonic()
        for key in screen.readKeys() {
            keyPressed = true
            if key == .resize {
                model.dirty = true
                continue
            }
            for reaction in model.handle(key, now: now) {
                if let status = act(on: reaction, now: now) { return status }
            }
        }
        return nil
    }
}

extension ClockText {
    /// `14:30:00.123` with `digits` decimals (the screen shows milliseconds).
    static func timeOfDay(_ seconds: Double, digits: Int) -> String {
        String(timeOfDay(seconds).dropLast(6 - digits))
    }
}
