import Glibc
import SockscopeCore
import SockscopeTransport

/// `sockscope proxy` (issue 22): each client's request read (`ProxyRequest`), its target
/// resolved off the loop and dialed by the engine, then the two legs relayed through the engine
/// — counted, each FIN passed to the other leg, a reset passed as a reset. A leg that reads
/// slowly holds the other (its window closes) rather than growing a queue without end.
final class ProxyServerFace: ServingFace {
    struct Client {
        var tunnel: ProxyTunnel
        var request: ProxyRequest
        /// The leg to the target: a dial in its handshake, then a connection.
        var leg: Int?
        /// The target's addresses not yet tried.
        var addresses: [SocketAddress] = []
        /// The client's bytes that came before the tunnel opened: the target's first.
        var early: [UInt8] = []
        /// The client sent FIN: passed to the target once the tunnel is open.
        var finished = false
        /// How the tunnel ended, said once both legs are gone (the first leg to end says).
        var ending: String?
    }

    let plan: ProxyServerPlan
    let dialer: Dialer
    let lookups: NameLookups
    let clock: () -> Double
    /// Says a tunnel's event: `always`, or only under -v; with its client's connection id (none
    /// for a client refused as it came).
    let say: (SessionEvent, _ always: Bool, _ connection: Int?) -> Void
    var clients: [Int: Client] = [:]
    /// Tunnels numbered 1, 2, … as clients come (connection ids also count the legs).
    var tunnels = 0
    /// Clients that may still be negotiating (`prepare` drops the others).
    var negotiating: Set<Int> = []
    /// A leg's id → its client's.
    var legs: [Int: Int] = [:]
    /// A lookup's token → the client waiting for it.
    var waitingForName: [Int: Int] = [:]
    /// Connections not read while the other leg has too much queued: id → the other leg.
    var held: [Int: Int] = [:]
    /// Bytes queued for one leg, at most, before the other is held.
    static let queueAbove = 1 << 20
    static let lookupSlot = 0

    init(plan: ProxyServerPlan, dialer: Dialer, lookups: NameLookups, clock: @escaping () -> Double,
         say: @escaping (SessionEvent, _ always: Bool, _ connection: Int?) -> Void) {
        self.plan = plan
        self.dialer = dialer
        self.lookups = lookups
        self.clock = clock
        self.say = say
    }

    // MARK: Bytes

    func engine(_ engine: Engine, received bytes: UnsafeRawBufferPointer, on id: Int) {
        if let owner = legs[id] {
            guard clients[owner] != nil else { return }
            clients[owner]?.tunnel.down += bytes.count
            pass(Array(bytes), from: id, to: owner, engine: engine)
            return
        }
        guard var client = clients[id] else { return }
        switch client.tunnel.phase {
        case .negotiating:
            let step = client.request.take(Array(bytes))
            if !step.reply.isEmpty { engine.send(step.reply, to: id) }
            client.tunnel.kind = client.request.kind
            client.tunnel.forwarded = client.request.forwarding
            client.tunnel.user = client.request.user
            client.tunnel.negotiation = client.request.said
            switch step.next {
            case .waiting:
                clients[id] = client
            case .connect(let target, let early):
                client.tunnel.target = target
                client.early = early
                clients[id] = client
                resolve(id, target, engine: engine)
            case .refuse(let reason):
                client.tunnel.phase = .refused(reason)
                clients[id] = client
                say(client.tunnel.refusedEvent(at: clock(), reason: reason, dialFailed: false), true, id)
                engine.requestClose(id)
            }
        case .resolving, .dialing:
            // Sent before the answer: the target's first bytes; held past a bound.
            client.early += bytes
            if client.early.count > Self.queueAbove && held[id] == nil {
                held[id] = id
                engine.hold(id, true)
            }
            clients[id] = client
        case .open:
            guard let leg = client.leg else { return }
            clients[id]?.tunnel.up += bytes.count
            pass(Array(bytes), from: id, to: leg, engine: engine)
        case .refused, .failed:
            break  // answered already; closing
        }
    }

    /// To the other leg; the sender held while that leg has too much waiting.
    func pass(_ bytes: [UInt8], from sender: Int, to receiver: Int, engine: Engine) {
        engine.send(bytes, to: receiver)
        if (engine.unsent(receiver) ?? 0) > Self.queueAbove && held[sender] == nil {
            held[sender] = receiver
            engine.hold(sender, true)
        }
    }

    // MARK: The target

    /// An address is dialed at once; a name is looked up off the loop first.
    func resolve(_ id: Int, _ target: ProxyRequest.Target, engine: Engine) {
        if IPAddress(text: target.host) != nil {
            let addresses = (try? Resolver.resolve(host: target.host, port: target.port, family: plan.family, datagram: false,
                                                   numeric: true, passive: false)) ?? []
            clients[id]?.addresses = addresses
            dialNext(id, engine: engine, lastCode: EAFNOSUPPORT)
            return
        }
        clients[id]?.tunnel.phase = .resolving
        waitingForName[lookups.start(host: target.host, port: target.port, family: plan.family)] = id
    }

    func resolved(_ token: Int, _ outcome: NameLookups.Outcome, engine: Engine) {
        guard let id = waitingForName.removeValue(forKey: token), clients[id] != nil else { return }
        switch outcome {
        case .success(let addresses):
            clients[id]?.addresses = addresses
            dialNext(id, engine: engine, lastCode: EHOSTUNREACH)
        case .failure(let error):
            fail(id, .unresolved, reason: error.description, engine: engine)
        }
    }

    /// The next of the target's addresses; none left: the client is told why the last failed.
    func dialNext(_ id: Int, engine: Engine, lastCode: Int32) {
        guard var client = clients[id] else { return }
        guard !client.addresses.isEmpty else {
            fail(id, ProxyRequest.Failure(code: lastCode), reason: String(cString: strerror(lastCode)), engine: engine)
            return
        }
        let address = client.addresses.removeFirst()
        client.tunnel.phase = .dialing
        client.tunnel.dialed = address.display
        let leg = engine.dial(address, with: dialer)
        client.leg = leg
        clients[id] = client
        legs[leg] = id
    }

    func fail(_ id: Int, _ failure: ProxyRequest.Failure, reason: String, engine: Engine) {
        guard var client = clients[id] else { return }
        client.tunnel.phase = .failed(reason)
        engine.send(client.request.failed(failure), to: id)
        engine.requestClose(id)
        say(client.tunnel.refusedEvent(at: clock(), reason: reason, dialFailed: true), true, id)
        client.early = []
        clients[id] = client
    }

    /// The leg to the target connected: the client is told (with the address dialed from), and
    /// what it sent early follows.
    func legOpened(_ leg: Int, client id: Int, engine: Engine) {
        guard var client = clients[id] else { return }
        let bound = engine.connection(leg)?.local.endpoint
        let answer = client.request.granted(bound: bound?.address ?? IPAddress(ipv4: 0), port: bound?.port ?? 0)
        if !answer.isEmpty { engine.send(answer, to: id) }
        client.tunnel.phase = .open
        if !client.early.isEmpty {
            client.tunnel.up += client.early.count
            engine.send(client.early, to: leg)
            client.early = []
        }
        if client.finished { engine.requestFIN(leg) }
        if held[id] == id {
            held[id] = nil
            engine.hold(id, false)
        }
        say(client.tunnel.openedEvent(at: clock()), false, id)
        clients[id] = client
    }

    // MARK: Events

    func engine(_ engine: Engine, event: EngineEvent) {
        switch event {
        case .opened(let id, let peer, let how):
            if let owner = legs[id] {
                legOpened(id, client: owner, engine: engine)
            } else if how == .accepted {
                let endpoint = peer?.endpoint
                tunnels += 1
                negotiating.insert(id)
                clients[id] = Client(tunnel: ProxyTunnel(number: tunnels, clientHost: endpoint?.address.description ?? "?",
                                                         clientPort: endpoint?.port ?? 0, started: clock()),
                                     request: ProxyRequest(credentials: plan.credentials))
            }
        case .dialFailed(let leg, _, let code):
            guard let owner = legs.removeValue(forKey: leg) else { return }
            clients[owner]?.leg = nil
            dialNext(owner, engine: engine, lastCode: code)
        case .peerFinished(let id):
            if let owner = legs[id] {
                engine.requestFIN(owner)
            } else if var client = clients[id] {
                client.finished = true
                switch client.tunnel.phase {
                case .open: if let leg = client.leg { engine.requestFIN(leg) }
                // Gone before its request was whole: nothing will complete it.
                case .negotiating: engine.requestClose(id)
                default: break
                }
                clients[id] = client
            }
        case .closed(let id, _, let reason):
            held[id] = nil
            if let owner = legs.removeValue(forKey: id) {
                legClosed(client: owner, reason: reason, engine: engine)
            } else if let client = clients[id] {
                clientClosed(id, client, reason: reason, engine: engine)
            }
        case .refusedByFilter(let address), .refusedOverLimit(let address):
            let endpoint = address.endpoint
            let why = if case .refusedByFilter = event { "not allowed (--allow, --deny)" } else { "over --max-conns \(plan.maxTunnels)" }
            tunnels += 1
            say(ProxyTunnel(number: tunnels, clientHost: endpoint?.address.description ?? "?", clientPort: endpoint?.port ?? 0, started: clock())
                    .refusedEvent(at: clock(), reason: why, dialFailed: false), true, nil)
        default:
            break
        }
    }

    func legClosed(client id: Int, reason: EngineEvent.CloseReason, engine: Engine) {
        guard var client = clients[id] else { return }
        client.leg = nil
        client.ending = client.ending ?? RelayServer.ending(reason, side: "target")
        clients[id] = client
        // The client's leg ends as the target's did: a reset as a reset; else once what is
        // queued for it has gone.
        if Self.isAbrupt(reason) { engine.reset(id) } else { engine.requestClose(id) }
    }

    func clientClosed(_ id: Int, _ client: Client, reason: EngineEvent.CloseReason, engine: Engine) {
        clients[id] = nil
        waitingForName = waitingForName.filter { $0.value != id }
        let ending = client.ending ?? RelayServer.ending(reason, side: "client")
        if let leg = client.leg {
            legs[leg] = nil
            if engine.isDialing(leg) {
                engine.cancelDial(leg)
            } else if Self.isAbrupt(reason) {
                engine.reset(leg)
            } else {
                engine.requestClose(leg)
            }
        }
        switch client.tunnel.phase {
        case .open: say(client.tunnel.endedEvent(at: clock(), how: ending), true, id)
        case .negotiating, .resolving, .dialing:
            say(client.tunnel.refusedEvent(at: clock(), reason: "left before its tunnel opened (\(ending))", dialFailed: false), false, id)
        case .refused, .failed: break  // said already
        }
    }

    static func isAbrupt(_ reason: EngineEvent.CloseReason) -> Bool {
        switch reason {
        case .reset, .resetByPeer, .failed, .streamFailed: true
        case .finished, .closedByUs, .idle: false
        }
    }

    /// How the screen's connection list names a connection: a client with its tunnel's number,
    /// a leg with the target it carries (nil: not one of the proxy's).
    func label(_ id: Int) -> String? {
        if let owner = legs[id], let client = clients[owner] {
            return "→ \(client.tunnel.target.map { $0.label.terminalSafe } ?? "?") (\(client.tunnel.dialed ?? "?"), tunnel \(client.tunnel.number)'s target)"
        }
        guard let client = clients[id] else { return nil }
        return "\(client.tunnel.clientHost):\(client.tunnel.clientPort) (tunnel \(client.tunnel.number)'s client)"
    }

    // MARK: The loop

    /// How long a client may take to say what it wants (-w, else 30 s): one that connects and
    /// says nothing does not hold a place for ever.
    var negotiationLimit: Double { plan.timeout ?? 30 }

    func prepare(_ engine: Engine, now: Double, set: inout PollSet<Engine.Slot>) -> Double? {
        // Clients still negotiating past the limit are told so and closed. Only they are looked
        // at, not every tunnel at every round; the others leave the set here.
        var wake: Double?
        for id in negotiating {
            guard let client = clients[id], client.tunnel.phase == .negotiating else {
                negotiating.remove(id)
                continue
            }
            let due = client.tunnel.started + negotiationLimit
            if now >= due {
                let reason = "no request within \(Seconds.text(negotiationLimit)) s"
                clients[id]?.tunnel.phase = .refused(reason)
                say(client.tunnel.refusedEvent(at: now, reason: reason, dialFailed: false), true, id)
                engine.requestClose(id)
            } else {
                wake = min(wake ?? due, due)
            }
        }
        // Senders go on once the other leg's queue has come down to half.
        for (sender, receiver) in held where sender != receiver && (engine.unsent(receiver) ?? 0) <= Self.queueAbove / 2 {
            held[sender] = nil
            engine.hold(sender, false)
        }
        set.watch(lookups.descriptor, POLLIN, as: .face(Self.lookupSlot))
        return wake
    }

    func ready(_ engine: Engine, slot: Int, revents: Int32) -> EngineOutcome? {
        for (token, outcome) in lookups.finished() { resolved(token, outcome, engine: engine) }
        return nil
    }

    func handles(signal: Int32) -> Bool { false }

    func ends(with outcome: EngineOutcome) -> Bool { true }

    /// At the end (a signal): each open tunnel's line, as it stood.
    func finish() {
        for (id, client) in clients.sorted(by: { $0.value.tunnel.number < $1.value.tunnel.number }) where client.tunnel.phase == .open {
            say(client.tunnel.endedEvent(at: clock(), how: "interrupted"), true, id)
        }
    }
}
