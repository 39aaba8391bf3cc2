import Glibc
import SockscopeCore
import SockscopeTransport

/// `sockscope serve NAME` (issue 24): a practice peer answering each client through the engine —
/// counted, shown in the screen, its FIN and RST as the peer's nature says. A client that reads
/// slowly holds what is sent to it (echo, chargen) rather than growing a queue without end.
final class ServeFace: ServingFace {
    struct Client {
        let number: Int
        let host: String
        let port: UInt16
        let started: Double
        var bytesIn = 0
        var bytesOut = 0
        /// random: the line being asked.
        var line: [UInt8] = []
        /// chargen: the next line's place in the pattern.
        var nextLine = 0
        /// slow: when it reads next.
        var nextRead = 0.0
        var held = false
    }

    let peer: PracticePeer
    let clock: () -> Double
    let wallClock: () -> Double
    let say: RelayServer.Say
    var clients: [Int: Client] = [:]
    var count = 0

    /// Bytes queued for a client, at most, before the peer stops adding (echo, chargen).
    static let queueAbove = 256 * 1024
    /// slow: it reads once this often.
    static let slowInterval = 0.2

    init(peer: PracticePeer, clock: @escaping () -> Double, wallClock: @escaping () -> Double, say: @escaping RelayServer.Say) {
        self.peer = peer
        self.clock = clock
        self.wallClock = wallClock
        self.say = say
    }

    func send(_ bytes: [UInt8], to id: Int, engine: Engine) {
        engine.send(bytes, to: id)
        clients[id]?.bytesOut += bytes.count
    }

    func engine(_ engine: Engine, received bytes: UnsafeRawBufferPointer, on id: Int) {
        guard clients[id] != nil else { return }
        clients[id]?.bytesIn += bytes.count
        switch peer {
        case .echo:
            send(Array(bytes), to: id, engine: engine)
            if (engine.unsent(id) ?? 0) > Self.queueAbove { hold(id, true, engine: engine) }
        case .random:
            for byte in bytes {
                if byte == 0x0A {
                    send(Array("\(UInt32.random(in: 0...UInt32.max))\n".utf8), to: id, engine: engine)
                    clients[id]?.line.removeAll(keepingCapacity: true)
                } else if (clients[id]?.line.count ?? 0) < 4096 {
                    clients[id]?.line.append(byte)
                }
            }
        case .slow:
            // One read, then no more until the interval has passed: the window closes between.
            clients[id]?.nextRead = clock() + Self.slowInterval
            hold(id, true, engine: engine)
        case .discard, .daytime, .chargen, .reset, .halfclose, .receive:
            break  // read and counted, nothing answered
        }
    }

    func hold(_ id: Int, _ on: Bool, engine: Engine) {
        guard clients[id]?.held != on else { return }
        clients[id]?.held = on
        engine.hold(id, on)
    }

    func engine(_ engine: Engine, event: EngineEvent) {
        let now = clock()
        switch event {
        case .opened(let id, let address, .accepted):
            count += 1
            let endpoint = address?.endpoint
            clients[id] = Client(number: count, host: endpoint?.address.description ?? address?.display ?? "?", port: endpoint?.port ?? 0,
                                 started: now)
            say(SessionEvent("client", fields(id), text: "#\(count) \(clients[id].map(place) ?? ""): connected"), false, id)
            switch peer {
            case .daytime:
                send(Array((PracticePeer.daytime(wallClock()) + "\r\n").utf8), to: id, engine: engine)
                engine.requestClose(id)
            case .reset:
                engine.reset(id)
            case .halfclose:
                send(Array("halfclose: this is all I send; my FIN follows, and I keep reading until yours\n".utf8), to: id, engine: engine)
                engine.requestFIN(id)
            case .chargen:
                fill(id, engine: engine)
            case .slow:
                clients[id]?.nextRead = now + Self.slowInterval
                hold(id, true, engine: engine)
            case .echo, .discard, .random, .receive:
                break
            }
        case .peerFinished(let id):
            // Ours follows, once what is queued has gone (halfclose sent its own already).
            if peer != .halfclose { engine.requestFIN(id) }
        case .closed(let id, _, let reason):
            guard let client = clients.removeValue(forKey: id) else { return }
            let seconds = now - client.started
            let how = RelayServer.ending(reason, side: "client")
            say(SessionEvent("client-closed", fields(id, client) + [("in", .int(client.bytesIn)), ("out", .int(client.bytesOut)),
                                                                    ("seconds", .seconds(seconds)), ("end", .string(how))],
                             text: "#\(client.number) \(place(client)): \(client.bytesIn) bytes in, \(client.bytesOut) out, "
                                 + "\(DurationText.seconds(seconds)), \(how)"), true, id)
        case .refusedByFilter, .refusedOverLimit:
            if let refused = RelayServer.refusal(event) { say(refused, true, nil) }
        default:
            break
        }
    }

    func fields(_ id: Int, _ known: Client? = nil) -> [(String, JSONValue)] {
        guard let client = known ?? clients[id] else { return [] }
        return [("client", .string(client.host)), ("client_port", .int(Int(client.port))), ("number", .int(client.number)),
                ("peer", .string(peer.rawValue))]
    }

    func place(_ client: Client) -> String { "\(client.host) \(client.port)" }

    /// chargen: lines until the client's queue holds enough; the client's pace is ours. A batch
    /// the engine no longer takes (the client has gone) ends it: bounded either way.
    func fill(_ id: Int, engine: Engine) {
        guard var client = clients[id] else { return }
        defer { clients[id] = client }
        for _ in 0..<(Self.queueAbove / (64 * 1024) + 1) {
            guard (engine.unsent(id) ?? Self.queueAbove) < Self.queueAbove else { return }
            var batch: [UInt8] = []
            while batch.count < 64 * 1024 {
                batch += PracticePeer.chargenLine(client.nextLine)
                client.nextLine += 1
            }
            guard !engine.send(batch, to: id).isEmpty else { return }
            client.bytesOut += batch.count
        }
    }

    func prepare(_ engine: Engine, now: Double, set: inout PollSet<Engine.Slot>) -> Double? {
        var wake: Double?
        for (id, client) in clients {
            switch peer {
            case .echo where client.held && (engine.unsent(id) ?? 0) <= Self.queueAbove / 2:
                hold(id, false, engine: engine)
            case .chargen:
                fill(id, engine: engine)
            case .slow where client.held:
                if now >= client.nextRead { hold(id, false, engine: engine) } else { wake = min(wake ?? client.nextRead, client.nextRead) }
            default:
                break
            }
        }
        return wake
    }

    func ready(_ engine: Engine, slot: Int, revents: Int32) -> EngineOutcome? { nil }

    func handles(signal: Int32) -> Bool { false }

    func ends(with outcome: EngineOutcome) -> Bool { true }

    func label(_ id: Int) -> String? {
        clients[id].map { "\($0.host):\($0.port) (client \($0.number) of \(peer.rawValue))" }
    }

    func finish() {
        let now = clock()
        for (id, client) in clients.sorted(by: { $0.value.number < $1.value.number }) {
            say(SessionEvent("client-closed", fields(id, client) + [("in", .int(client.bytesIn)), ("out", .int(client.bytesOut)),
                                                                    ("end", .string("interrupted"))],
                             text: "#\(client.number) \(place(client)): \(client.bytesIn) bytes in, \(client.bytesOut) out, "
                                 + "\(DurationText.seconds(now - client.started)), interrupted"), true, id)
        }
    }
}
